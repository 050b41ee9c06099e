// Chapter 4: generators + promises, with the book's run(..), a thunkify(..) "thunkory", and
// concurrency inside a generator (two requests in flight before the first yield).

function run(gen) {
  var args = [].slice.call(arguments, 1), it;
  it = gen.apply(this, args);
  return Promise.resolve().then(function handleNext(value) {
    var next = it.next(value);
    return (function handleResult(next) {
      if (next.done) {
        return next.value;
      } else {
        return Promise.resolve(next.value).then(
          handleNext,
          function handleErr(err) {
            return Promise.resolve(it.throw(err)).then(handleResult);
          }
        );
      }
    })(next);
  });
}

function thunkify(fn) {
  return function () {
    var args = [].slice.call(arguments);
    return function (cb) {
      args.push(cb);
      return fn.apply(null, args);
    };
  };
}

function request(url, ms) {
  return new Promise(function (resolve, reject) {
    setTimeout(function () {
      if (url === "/fail") reject(new Error("failed: " + url));
      else resolve("resp(" + url + ")");
    }, ms);
  });
}

function foo(x, y, cb) {
  setTimeout(function () { cb(x + y); }, 25);
}

var fooThunkory = thunkify(foo);
var fooThunk1 = fooThunkory(3, 4);
var fooThunk2 = fooThunkory(5, 6);
fooThunk1(function (sum) { console.log("thunk 1:", sum); });
fooThunk2(function (sum) { console.log("thunk 2:", sum); });

function* main() {
  // both requests start now, in parallel
  var p1 = request("/one", 150);
  var p2 = request("/two", 50);
  var r1 = yield p1;
  var r2 = yield p2;
  console.log("main got", r1, r2);
  try {
    yield request("/fail", 5);
  } catch (err) {
    console.log("main caught", err.message);
  }
  var r3 = yield request("/three?" + r1.length, 5);
  return r3;
}

run(main).then(function (v) { console.log("run finished:", v.toUpperCase()); });

run(function* () {
  var v = yield 42; // a plain value resolves at once
  console.log("plain yield gave", v);
});
console.log("main started");
