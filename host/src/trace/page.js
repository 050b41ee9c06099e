// settle --trace=html: replays a run's trace events (docs/trace.md) step by step.
//
// The page's data (the #trace-data element) is {file, source, events}: the events are the
// objects `settle --trace=json` prints, one per line. Step k shows the state after events[k],
// computed from the events alone (the queues, the timers, the running task or job, the console,
// and why the step happens): `apply` is the one reducer, `replay` runs it over the whole trace
// once, `stateAt` from the nearest snapshot, and `show` puts a step on the page.
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("trace-data").textContent);
  const events = data.events;
  const host = events.length > 0 ? events[0].host : "node";

  // Timers get small ordinals (1, 2, ...) in the order they are set: their ids are internal.
  const timerNumbers = new Map();
  function timerNumber(id) {
    if (!timerNumbers.has(id)) timerNumbers.set(id, timerNumbers.size + 1);
    return timerNumbers.get(id);
  }

  // Who an origin is, in words ("the script", "microtask 2 (after the script)", ...).
  function who(origin) {
    if (!origin) return "the host";
    switch (origin.kind) {
      case "task":
        return origin.label === "script" ? "the script" : origin.label ? origin.label : "task " + origin.task;
      case "timer":
        return "timer " + timerNumber(origin.timer) + " (task " + origin.task + ")";
      case "remote":
        return "remote task " + origin.task;
      case "microtask":
      case "nextTick": {
        const after = origin.label ? "the " + origin.label : "task " + origin.checkpoint;
        return origin.kind + " " + origin.index + " (after " + after + ")";
      }
      default:
        return "the host";
    }
  }

  // The pending timer due first, in words.
  function nextTimer(timers) {
    let first = null;
    for (const timer of timers.values()) {
      if (!first || timer.deadline < first.deadline) first = timer;
    }
    return "timer " + first.number + " is due at " + first.deadline + " ms";
  }

  function capital(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function atLine(event) {
    return event.line ? " at line " + event.line : "";
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // What a queue or timer entry shows.
  function entryText(entry) {
    const from = who(entry.by) + (entry.line ? ", line " + entry.line : "");
    switch (entry.queue) {
      case "task":
        return "task from " + from;
      case "microtask":
        return "job from " + from;
      case "nextTick":
        return "callback from " + from;
      default:
        return entry.queue + " from " + from;
    }
  }

  function timerText(timer) {
    const when = timer.repeat ? "every run, first due at " : "due at ";
    return "timer " + timer.number + ": " + when + timer.deadline + " ms, set by " + who(timer.by) +
      (timer.line ? ", line " + timer.line : "");
  }

  const QUEUES = ["task", "microtask", "nextTick"];
  const QUEUE_WORDS = { task: "macrotask", microtask: "microtask", nextTick: "nextTick callback" };

  // The checkpoint's rule, as the host runs it.
  const DRAIN = host === "node"
    ? "the nextTick queue, then the microtask queue, drain completely before the next task"
    : "the microtask queue drains completely before the next task";

  // Starts that no `queued` event announced: a trace this page misreads (shown as a warning).
  const unmatchedSteps = new Set();
  let applying = 0;
  function unmatched() {
    unmatchedSteps.add(applying);
  }

  // A first-in first-out queue whose shift takes constant time (Array.prototype.shift moves
  // every entry, and a run can queue many thousand callbacks).
  function Fifo(items) {
    this.items = items || [];
    this.head = 0;
  }
  Fifo.prototype.push = function (entry) { this.items.push(entry); };
  Fifo.prototype.shift = function () {
    if (this.head >= this.items.length) return undefined;
    const entry = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  };
  Object.defineProperty(Fifo.prototype, "length", { get: function () { return this.items.length - this.head; } });
  // The first n entries.
  Fifo.prototype.first = function (n) { return this.items.slice(this.head, this.head + n); };
  Fifo.prototype.copy = function () { return new Fifo(this.items.slice(this.head)); };

  // What the replay keeps while it goes; `line` and `lineKind` are the step's own.
  function fresh() {
    return {
      task: null, job: null, checkpoint: false,
      queues: { task: new Fifo(), microtask: new Fifo(), nextTick: new Fifo() },
      // The pending timers by id, in the order they were set.
      timers: new Map(), consoleCount: 0, line: null, lineKind: null,
    };
  }

  function clone(state) {
    const queues = {};
    QUEUES.forEach(function (q) { queues[q] = state.queues[q].copy(); });
    return {
      task: state.task, job: state.job, checkpoint: state.checkpoint, queues: queues,
      timers: new Map(state.timers), consoleCount: state.consoleCount, line: null, lineKind: null,
    };
  }

  // Applies events[k] to `state`; returns why it happens (said of the state before it).
  function apply(k, state) {
    const event = events[k];
    applying = k;
    state.line = null;
    state.lineKind = null;
    const why = explain(event, state, state.job || state.task);
    if (event.line) {
      state.line = event.line;
      state.lineKind = "running";
    }
    return why;
  }

  // One pass over the events: each step's own facts (time, sentence, stack, running line, the
  // console line it printed), and a copy of the whole state every SNAPSHOT steps, from which
  // `stateAt` replays any step in at most SNAPSHOT events (a long trace would take too much
  // memory as one copy per step: its queues can hold many thousand callbacks).
  const SNAPSHOT = 256;
  const snapshots = [];
  const steps = [];
  const consoleLines = [];
  (function replay() {
    const state = fresh();
    let at = 0;
    events.forEach(function (event, k) {
      if (k % SNAPSHOT === 0) snapshots.push(clone(state));
      if (typeof event.at_ms === "number") at = event.at_ms;
      if (event.event === "console") consoleLines.push({ stream: event.stream, text: event.text });
      const why = apply(k, state);
      const stack = (event.stack || []).map(function (f) { return f.function + " \u2014 line " + f.line; });
      const bottom = state.job || state.task;
      if (bottom) stack.push(who(bottom));
      steps.push({ at: at, why: why, stack: stack, line: state.line, lineKind: state.lineKind });
    });
  })();

  // The queues, timers and console count after step k.
  function stateAt(k) {
    const base = Math.floor(k / SNAPSHOT);
    const state = clone(snapshots[base]);
    for (let i = base * SNAPSHOT; i <= k; i++) apply(i, state);
    return state;
  }

  // Applies one event to `state` and says why it happens (`running`: the task or job before it).
  function explain(event, state, running) {
    switch (event.event) {
      case "trace":
        return "settle-js ran " + event.file + " on the " + (event.host === "node" ? "Node" : "browser") +
          " host's event loop" + (event.virtual_time ? " (virtual clock)" : "") +
          ". Step forward with \u2192 or \u25b6, back with \u2190 or \u25c0.";
      case "queued": {
        // A queue this page does not know (a later runtime's) is named but not shown.
        const queue = state.queues[event.queue];
        if (queue) queue.push({ queue: event.queue, by: event.by, line: event.line });
        if (event.queue === "task" && event.by.kind === "outside") {
          return "The host queues the script as a macrotask: it runs when the loop starts.";
        }
        const rest = event.queue === "task"
          ? "it runs after the tasks before it, each followed by a microtask checkpoint"
          : event.queue === "nextTick"
            ? "it runs at the next checkpoint, before the promise jobs"
            : running && running.kind !== "microtask" && running.kind !== "nextTick"
              ? "it runs at the next microtask checkpoint, as soon as the running task ends"
              : "it joins the end of the microtask queue, which drains before the next task";
        return capital(who(event.by)) + " queues a " + (QUEUE_WORDS[event.queue] || event.queue) + atLine(event) + ": " + rest + ".";
      }
      case "timer-set": {
        const timer = { id: event.timer, number: timerNumber(event.timer), deadline: event.deadline_ms, repeat: event.repeat, by: event.by, line: event.line };
        state.timers.set(event.timer, timer);
        return capital(who(event.by)) + " sets timer " + timer.number + atLine(event) + ": due at " + event.deadline_ms +
          " ms, it will run as a macrotask once its time has come and the microtasks before it have run.";
      }
      case "timer-cleared": {
        state.timers.delete(event.timer);
        return capital(who(event.by)) + " clears timer " + timerNumber(event.timer) + atLine(event) + ": it will not run.";
      }
      case "task-start": {
        const origin = event.origin;
        state.task = origin;
        if (origin.kind === "timer") {
          const timer = state.timers.get(origin.timer) || null;
          if (timer && !timer.repeat) state.timers.delete(origin.timer);
          const set = timer ? ": set by " + who(timer.by) + (timer.line ? " at line " + timer.line : "") + ", due at " + timer.deadline + " ms" : "";
          if (timer && timer.line) {
            state.line = timer.line;
            state.lineKind = "queued";
          }
          return "Timer " + timerNumber(origin.timer) + "'s callback runs now as task " + origin.task + set +
            "; a timer runs only once its time has come and the microtask queue is empty.";
        }
        if (origin.kind === "remote") {
          return capital(who(origin)) + " runs now: another thread posted it to the loop.";
        }
        const entry = state.queues.task.shift();
        if (!entry) unmatched();
        if (origin.label === "script") {
          return "The script runs now: it is the first macrotask, and macrotasks run one at a time, in order.";
        }
        if (entry && entry.line) {
          state.line = entry.line;
          state.lineKind = "queued";
        }
        const from = entry ? ": queued by " + who(entry.by) + (entry.line ? " at line " + entry.line : "") : "";
        return capital(who(origin)) + " runs now" + from + "; one macrotask runs per turn of the loop, after the microtasks of the one before.";
      }
      case "task-end":
        state.task = null;
        return capital(who(event.origin)) + " returns: the call stack is empty, so a microtask checkpoint comes before any other task.";
      case "checkpoint-start":
        state.checkpoint = true;
        return "A microtask checkpoint starts after " + (event.label ? "the " + event.label : "task " + event.checkpoint) + ": " + DRAIN + ".";
      case "job-start": {
        const origin = event.origin;
        state.job = origin;
        const entry = state.queues[origin.kind] ? state.queues[origin.kind].shift() : undefined;
        if (!entry) unmatched();
        if (entry && entry.line) {
          state.line = entry.line;
          state.lineKind = "queued";
        }
        const from = entry ? ": queued by " + who(entry.by) + (entry.line ? " at line " + entry.line : "") : "";
        const rule = origin.kind === "nextTick"
          ? "the nextTick queue drains before the promise jobs"
          : "the microtask queue drains before the next task";
        return capital(who(origin)) + " runs now" + from + "; " + rule + ".";
      }
      case "job-end": {
        state.job = null;
        const waiting = state.queues.nextTick.length + state.queues.microtask.length;
        return capital(who(event.origin)) + " returns; " +
          (waiting > 0 ? plural(waiting, "job still waits", "jobs still wait") + ", and the checkpoint runs it before anything else." : "no job waits.");
      }
      case "checkpoint-end": {
        state.checkpoint = false;
        const next = state.queues.task.length > 0
          ? "the next task waits in the macrotask queue"
          : state.timers.size > 0
            ? nextTimer(state.timers)
            : "nothing else is waiting";
        return "The microtask queue is empty: the checkpoint ends, and the loop moves on (" + next + ").";
      }
      case "unhandled-rejection":
        return "A rejected promise still has no handler at the end of the checkpoint: the host reports it.";
      case "rejection-handled":
        return "A promise reported as unhandled got a handler: the host reports that too.";
      case "console": {
        state.consoleCount++;
        const verb = event.stream === "stderr" ? " writes to stderr " : " prints ";
        return capital(who(event.origin)) + verb + JSON.stringify(event.text) + atLine(event) + ".";
      }
      case "exit": {
        const left = QUEUES.reduce(function (n, q) { return n + state.queues[q].length; }, 0) + state.timers.size;
        return "The run ends with exit code " + event.code + ": " +
          (left === 0 ? "no task, job or timer is left." : plural(left, "callback never ran", "callbacks never ran") + ".");
      }
      default:
        return "The loop did something this page does not know (" + event.event + ").";
    }
  }

  // --- The page.
  const $ = function (id) { return document.getElementById(id); };
  // A queue shows its first entries only: a run can leave many thousand callbacks waiting.
  const SHOWN = 200;

  // Shows `items`, the first of `total` (default: all of them).
  function fillList(list, items, current, total) {
    list.textContent = "";
    items.slice(0, SHOWN).forEach(function (text, i) {
      const li = document.createElement("li");
      li.textContent = text;
      if (i === current) li.className = "current";
      list.appendChild(li);
    });
    const all = total === undefined ? items.length : total;
    if (all > SHOWN) {
      const more = document.createElement("p");
      more.className = "more";
      more.textContent = "\u2026 and " + (all - SHOWN) + " more";
      list.appendChild(more);
    }
  }

  const sourceList = $("source");
  data.source.split("\n").forEach(function (text, i) {
    const li = document.createElement("li");
    const number = document.createElement("span");
    number.className = "n";
    number.textContent = String(i + 1);
    li.appendChild(number);
    li.appendChild(document.createTextNode(text));
    sourceList.appendChild(li);
  });

  const stepList = $("steps");
  events.forEach(function (event, i) {
    const li = document.createElement("li");
    li.textContent = i + ". " + event.event + (event.event === "console" ? " " + JSON.stringify(event.text) : event.queue ? " " + event.queue : "");
    li.addEventListener("click", function () { show(i); });
    stepList.appendChild(li);
  });

  const consoleList = $("console");
  let step = 0;
  let shownLine = null;

  function show(k) {
    const previous = step;
    step = Math.max(0, Math.min(steps.length - 1, k));
    const facts = steps[step];
    const state = stateAt(step);
    $("step").textContent = "step " + step + " of " + (steps.length - 1);
    $("clock").textContent = facts.at + " ms";
    $("why").textContent = facts.why;
    if (shownLine && sourceList.children[shownLine - 1]) sourceList.children[shownLine - 1].className = "";
    shownLine = facts.line;
    const line = facts.line && sourceList.children[facts.line - 1];
    if (line) {
      line.className = facts.lineKind;
      line.scrollIntoView({ block: "nearest" });
    }
    fillList($("stack"), facts.stack, 0);
    QUEUES.forEach(function (q) {
      const queue = state.queues[q];
      fillList($("queue-" + q), queue.first(SHOWN).map(entryText), -1, queue.length);
    });
    const timers = [];
    for (const timer of state.timers.values()) {
      if (timers.length === SHOWN) break;
      timers.push(timerText(timer));
    }
    fillList($("timers"), timers, -1, state.timers.size);
    // The console only grows: add or remove the lines between the two steps.
    while (consoleList.children.length > state.consoleCount) consoleList.lastChild.remove();
    while (consoleList.children.length < state.consoleCount) {
      const c = consoleLines[consoleList.children.length];
      const li = document.createElement("li");
      li.textContent = c.text;
      if (c.stream === "stderr") li.className = "stderr";
      consoleList.appendChild(li);
    }
    Array.prototype.forEach.call(consoleList.querySelectorAll(".current"), function (li) { li.classList.remove("current"); });
    if (events[step].event === "console" && consoleList.lastChild) consoleList.lastChild.classList.add("current");
    if (stepList.children[previous]) stepList.children[previous].className = "";
    const current = stepList.children[step];
    if (current) {
      current.className = "current";
      current.scrollIntoView({ block: "nearest" });
    }
    $("first").disabled = $("back").disabled = step === 0;
    $("forward").disabled = $("last").disabled = step === steps.length - 1;
  }

  if (unmatchedSteps.size > 0) {
    const warning = $("warning");
    warning.hidden = false;
    warning.textContent = "This page cannot match every start with its queued event (steps " +
      Array.from(unmatchedSteps).join(", ") + "): the queues it shows may be wrong.";
  }
  $("nextTick-panel").hidden = host !== "node";
  $("first").addEventListener("click", function () { show(0); });
  $("back").addEventListener("click", function () { show(step - 1); });
  $("forward").addEventListener("click", function () { show(step + 1); });
  $("last").addEventListener("click", function () { show(steps.length - 1); });
  document.addEventListener("keydown", function (e) {
    const moves = { ArrowRight: 1, ArrowDown: 1, " ": 1, j: 1, ArrowLeft: -1, ArrowUp: -1, k: -1 };
    if (e.key in moves) {
      show(step + moves[e.key]);
    } else if (e.key === "Home") {
      show(0);
    } else if (e.key === "End") {
      show(steps.length - 1);
    } else {
      return;
    }
    e.preventDefault();
  });
  show(0);
})();
