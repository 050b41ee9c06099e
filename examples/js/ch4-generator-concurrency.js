// Chapter 4, "Generator Concurrency": two generators that each make a request and put the
// response into a shared `res`, coordinated so the order is always url.1's then url.2's, even
// though url.2 answers first. First by hand, then with a runAll(..) (the book leaves it as an
// exercise; this one is below), then with runAll's shared `data` and messages.
// request(..) stands in for Ajax: a promise for a made-up response, after a timer.

function request(url) {
  // "http://some.url.N": url.1 answers after 60 ms, url.2 after 20 ms.
  var n = Number(/\.url\.(\d+)$/.exec(url)[1]);
  return new Promise(function (resolve) {
    setTimeout(function () {
      console.log("  response arrives:", url);
      resolve("resp" + n);
    }, n === 1 ? 60 : 20);
  });
}

// runAll(..gens): runs the generators in turn, each until it yields. Yielding a promise waits
// for it and resumes the same generator with its value (no transfer of control); yielding
// anything else passes control to the next generator, and the value becomes a message: a
// generator resumes with the oldest message queued for it. Every generator gets `data`.
function runAll() {
  var data = {};
  var gens = [].slice.call(arguments).map(function (gen) {
    return { it: gen(data), started: false, done: false, inbox: [] };
  });
  return new Promise(function (resolve) {
    var current = 0;
    function nextLive(from) {
      for (var k = 1; k <= gens.length; k++) {
        var g = gens[(from + k) % gens.length];
        if (!g.done) return (from + k) % gens.length;
      }
      return -1;
    }
    function step(value) {
      var g = gens[current];
      var r = g.it.next(value);
      g.started = true;
      if (r.done) {
        g.done = true;
        return transfer();
      }
      if (r.value && typeof r.value.then === "function") {
        return r.value.then(step);
      }
      var to = nextLive(current);
      if (to >= 0 && to !== current) gens[to].inbox.push(r.value);
      else g.inbox.push(r.value);
      transfer();
    }
    function transfer() {
      var to = nextLive(current);
      if (to < 0) return resolve(data);
      current = to;
      var g = gens[current];
      // Resume asynchronously, as asynquence's runner does.
      Promise.resolve().then(function () {
        step(g.started ? g.inbox.shift() : undefined);
      });
    }
    Promise.resolve().then(function () {
      step(undefined);
    });
  });
}

function byHand() {
  console.log("by hand:");
  var res = [];
  function* reqData(url) {
    var data = yield request(url);
    // transfer control
    yield;
    res.push(data);
  }
  var it1 = reqData("http://some.url.1");
  var it2 = reqData("http://some.url.2");
  var p1 = it1.next().value;
  var p2 = it2.next().value;
  p1.then(function (data) {
    it1.next(data);
  });
  p2.then(function (data) {
    it2.next(data);
  });
  return Promise.all([p1, p2]).then(function () {
    it1.next();
    it2.next();
    console.log("  res:", res);
  });
}

function withRunAll() {
  console.log("runAll:");
  var res = [];
  return runAll(
    function* () {
      var p1 = request("http://some.url.1");
      // transfer control
      yield;
      res.push(yield p1);
    },
    function* () {
      var p2 = request("http://some.url.2");
      // transfer control
      yield;
      res.push(yield p2);
    }
  ).then(function () {
    console.log("  res:", res);
  });
}

function withMessages() {
  console.log("runAll with shared data and messages:");
  return runAll(
    function* (data) {
      data.res = [];
      // transfer control (and pass a message)
      var url1 = yield "http://some.url.2";
      var p1 = request(url1); // "http://some.url.1"
      // transfer control
      yield;
      data.res.push(yield p1);
    },
    function* (data) {
      // transfer control (and pass a message)
      var url2 = yield "http://some.url.1";
      var p2 = request(url2); // "http://some.url.2"
      // transfer control
      yield;
      data.res.push(yield p2);
    }
  ).then(function (data) {
    console.log("  data.res:", data.res);
  });
}

byHand().then(withRunAll).then(withMessages);
