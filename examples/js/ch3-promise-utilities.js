// Chapter 3: the book's Promise utilities built on the standard ones: Promise.wrap(..) (a
// "promisory" from an error-first function), Promise.first(..) and Promise.map(..), and a
// race-against-a-timeout.

if (!Promise.wrap) {
  Promise.wrap = function (fn) {
    return function () {
      var args = [].slice.call(arguments);
      return new Promise(function (resolve, reject) {
        fn.apply(null, args.concat(function (err, v) {
          if (err) {
            reject(err);
          } else {
            resolve(v);
          }
        }));
      });
    };
  };
}

if (!Promise.first) {
  Promise.first = function (prs) {
    return new Promise(function (resolve, reject) {
      prs.forEach(function (pr) {
        Promise.resolve(pr).then(resolve);
      });
    });
  };
}

if (!Promise.map) {
  Promise.map = function (vals, cb) {
    return Promise.all(vals.map(function (val) {
      return new Promise(function (resolve) {
        cb(val, resolve);
      });
    }));
  };
}

function timeoutPromise(delay) {
  return new Promise(function (resolve, reject) {
    setTimeout(function () { reject("Timeout!"); }, delay);
  });
}

// an error-first API, answering after `ms`
function ajax(url, ms, cb) {
  setTimeout(function () {
    if (url.indexOf("bad") >= 0) cb(new Error("404 " + url));
    else cb(null, "<" + url + ">");
  }, ms);
}

var request = Promise.wrap(ajax);

request("/a", 300).then(function (v) { console.log("wrap:", v); });
request("/bad", 100).catch(function (e) { console.log("wrap rejected:", e.message); });

// first(..) takes whichever fulfills first (it never rejects: the book leaves that as an
// exercise; its `.then(resolve)` would leave a rejection unhandled, so all of these fulfill)
Promise.first([
  request("/slow", 600),
  request("/quick", 200),
  "a plain value loses to nothing",
]).then(function (v) { console.log("first:", v); });
Promise.first([request("/slow", 600), request("/quick", 200)]).then(function (v) {
  console.log("first of two:", v);
});

Promise.race([request("/late", 800), timeoutPromise(400)]).then(
  function (v) { console.log("race:", v); },
  function (err) { console.log("race lost:", err); }
);

var p1 = Promise.resolve(21);
var p2 = Promise.resolve(42);
var p3 = Promise.reject("Oops");

Promise.map([p1, p2, p3], function (pr, done) {
  Promise.resolve(pr).then(
    function (v) { done(v * 2); },
    done
  );
}).then(function (vals) { console.log("map:", vals); });

// the order of the synchronous ones among the microtasks
Promise.resolve("sync-ish").then(function (v) { console.log("then:", v); });
console.log("scheduled");
