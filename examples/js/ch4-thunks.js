// Chapter 4, "Thunks": a sync thunk, an async one, thunkify(..) that makes a thunk, the
// "thunkory" form that makes thunk factories, thunkory vs. promisory with error-first
// callbacks, and the run(..) patch that lets a generator yield thunks as well as promises.
// ajax(..) stands in for the network: an error-first callback after a timer, its answer
// taken from the URL with a regular expression.

function foo(x, y) {
  return x + y;
}
function fooThunk() {
  return foo(3, 4);
}
console.log("sync thunk:", fooThunk());

function fooAsync(x, y, cb) {
  setTimeout(function () {
    cb(x + y);
  }, 30);
}
function fooAsyncThunk(cb) {
  fooAsync(3, 4, cb);
}
fooAsyncThunk(function (sum) {
  console.log("async thunk:", sum);
});

// thunkify(fn, ..args): the thunk itself.
function thunkifyNow(fn) {
  var args = [].slice.call(arguments, 1);
  return function (cb) {
    args.push(cb);
    return fn.apply(null, args);
  };
}
thunkifyNow(fooAsync, 1, 2)(function (sum) {
  console.log("thunkify(foo, 1, 2):", sum);
});

// thunkify(fn): a thunkory, which makes thunks.
function thunkify(fn) {
  return function () {
    var args = [].slice.call(arguments);
    return function (cb) {
      args.push(cb);
      return fn.apply(null, args);
    };
  };
}
var fooThunkory = thunkify(fooAsync);
var fooThunk1 = fooThunkory(3, 4);
var fooThunk2 = fooThunkory(5, 6);
fooThunk1(function (sum) {
  console.log("thunk 1:", sum);
});
fooThunk2(function (sum) {
  console.log("thunk 2:", sum);
});

// promisify(fn): chapter 3's Promise.wrap, a promisory.
function promisify(fn) {
  return function () {
    var args = [].slice.call(arguments);
    return new Promise(function (resolve, reject) {
      fn.apply(
        null,
        args.concat(function (err, v) {
          if (err) reject(err);
          else resolve(v);
        })
      );
    });
  };
}

// Error-first: the answer is "value of <path>"; a path with "fail" in it is an error.
function ajax(url, cb) {
  var m = /^https?:\/\/([^/]+)(\/[^?#]*)?/.exec(url);
  setTimeout(function () {
    if (!m) cb(new Error("not a URL: " + url));
    else if (/fail/.test(m[2])) cb(new Error("404 " + m[2]));
    else cb(null, "value of " + m[1] + (m[2] || "/"));
  }, 60);
}

var ajaxThunkory = thunkify(ajax);
var ajaxPromisory = promisify(ajax);
ajaxThunkory("http://some.url.1/a")(function (err, v) {
  if (err) console.error(err);
  else console.log("thunk answer:", v);
});
ajaxPromisory("http://some.url.1/a").then(
  function (v) {
    console.log("promise answer:", v);
  },
  function (err) {
    console.error(err);
  }
);

// The book's run(..) with the patch: a yielded function is a thunk, called with an
// error-first callback.
function run(gen) {
  var args = [].slice.call(arguments, 1), it;
  it = gen.apply(this, args);
  return Promise.resolve().then(function handleNext(value) {
    var next = it.next(value);
    return (function handleResult(next) {
      if (next.done) {
        return next.value;
      }
      // did we receive a thunk?
      else if (typeof next.value == "function") {
        return new Promise(function (resolve, reject) {
          // call the thunk with an error-first callback
          next.value(function (err, msg) {
            if (err) {
              reject(err);
            } else {
              resolve(msg);
            }
          });
        }).then(handleNext, function handleErr(err) {
          return Promise.resolve(it.throw(err)).then(handleResult);
        });
      } else {
        return Promise.resolve(next.value).then(handleNext, function handleErr(err) {
          return Promise.resolve(it.throw(err)).then(handleResult);
        });
      }
    })(next);
  });
}

setTimeout(function () {
  run(function* main() {
    var a = yield ajaxThunkory("http://some.url.2/thunk");
    console.log("run got (thunk):", a);
    var b = yield ajaxPromisory("http://some.url.2/promise");
    console.log("run got (promise):", b);
    try {
      yield ajaxThunkory("http://some.url.2/fail");
    } catch (err) {
      console.log("run caught:", err.message);
    }
    return a.replace(/^value of /, "").split("/");
  }).then(function (parts) {
    console.log("run finished:", parts);
  });
}, 100);
