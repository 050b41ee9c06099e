// Appendix B, "Iterable Sequences": the generator form of `steps`. Step 5 decides with a
// regular expression, /foobar/.test(resp), whether one more request joins the sequence.
// request(..) stands in for Ajax: a promise for a made-up response, after a timer; ASQ's
// gate(..) is Promise.all here, and the book's run(..) (chapter 4) drives the generator.

function run(gen) {
  var args = [].slice.call(arguments, 1), it;
  it = gen.apply(this, args);
  return Promise.resolve().then(function handleNext(value) {
    var next = it.next(value);
    return (function handleResult(next) {
      if (next.done) {
        return next.value;
      } else {
        return Promise.resolve(next.value).then(handleNext, function handleErr(err) {
          return Promise.resolve(it.throw(err)).then(handleResult);
        });
      }
    })(next);
  });
}

// The made-up server: "http://some.url.N/?v=..." answers with its number and the query; the
// first URL answers "foobar" for the "foo" token and "plain" otherwise.
function serve(url) {
  var m = /^http:\/\/some\.url\.(\d+)\/?(?:\?v=(.*))?$/.exec(url);
  if (!m) throw new Error("bad url " + url);
  var n = Number(m[1]);
  if (n === 1) return /foo/.test(url) ? "foobar" : "plain";
  return "r" + n + "(" + m[2] + ")";
}

function request(url) {
  var m = /\.url\.(\d+)/.exec(url);
  var delay = 10 + 20 * (4 - Number(m[1])); // later URLs answer sooner
  return new Promise(function (resolve) {
    setTimeout(function () {
      console.log("  response for", url.replace(/^http:\/\//, ""));
      resolve(serve(url));
    }, delay);
  });
}

function* steps(token) {
  // step 1
  var resp = yield request(token.messages[0].url);

  // step 2
  var rvals = yield Promise.all([
    request("http://some.url.2/?v=" + resp),
    request("http://some.url.3/?v=" + resp),
  ]);

  // step 3
  var text = rvals[0] + rvals[1];

  // step 4
  // an extra formatting step provided?
  if (token.messages[0].format) {
    text = yield token.messages[0].format(text);
  }

  // step 5
  // another Ajax request added to the sequence?
  if (/foobar/.test(resp)) {
    text = yield request("http://some.url.4/?v=" + text);
  }

  return text;
}

function main(url) {
  console.log("steps for", url);
  return run(steps, {
    messages: [
      {
        url: url,
        format: function STEP4(text) {
          return text.toUpperCase();
        },
      },
    ],
  }).then(function (msg) {
    console.log("result:", msg);
  });
}

main("http://some.url.1/?v=foo").then(function () {
  return main("http://some.url.1/?v=bar");
});
