// Chapter 2: fixing callback trust with utilities, timeoutify(..) (a callback that is never
// called) and asyncify(..) (a callback that may be called now or later: "don't release Zalgo").

// A fake Ajax: calls back with the data, from a cache at once (synchronously), else after `ms`.
var cache = { "/cached": "cached data" };
function ajax(url, ms, cb) {
  if (url in cache) {
    cb(cache[url]);
  } else if (ms >= 0) {
    setTimeout(function () { cb("data for " + url); }, ms);
  }
  // ms < 0: the request never answers
}

function timeoutify(fn, delay) {
  var intv = setTimeout(function () {
    intv = null;
    fn(new Error("Timeout!"));
  }, delay);

  return function () {
    // the timeout has not happened yet?
    if (intv) {
      clearTimeout(intv);
      fn.apply(this, [null].concat([].slice.call(arguments)));
    }
  };
}

function asyncify(fn) {
  var orig_fn = fn,
    intv = setTimeout(function () {
      intv = null;
      if (fn) fn();
    }, 0);

  fn = null;

  return function () {
    // called too soon, before the `intv` timer fired to say an async turn has passed?
    if (intv) {
      fn = orig_fn.bind.apply(orig_fn, [this].concat([].slice.call(arguments)));
    }
    // already async
    else {
      orig_fn.apply(this, arguments);
    }
  };
}

// error-first style: timeoutify(..) passes null as the error, or the Timeout! error
function report(label) {
  return function (err, data) {
    if (err) {
      console.log(label, "error:", err.message);
    } else {
      console.log(label, "data:", data);
    }
  };
}

ajax("/fast", 250, timeoutify(report("fast"), 600));
ajax("/slow", 1000, timeoutify(report("slow"), 700));
ajax("/lost", -1, timeoutify(report("lost"), 400));

// Zalgo: a synchronous answer would log 0, asyncify makes it always 1.
var a = 0;
function result(data) {
  console.log("a is", a, "with", data);
}
ajax("/cached", 0, result);
ajax("/cached", 0, asyncify(result));
ajax("/uncached", 100, asyncify(result));
a++;
console.log("end of the first turn, a =", a);
