// The `--trace=html` page in a real browser (headless Chromium driven by playwright-core).
// For the book's A C D B example, it steps through the replay with the keyboard and the buttons
// and checks at every step that the queues, timers, console, stack and running line shown are
// the ones the event loop's rules give (written out by hand below), and that the page replays
// exactly the events `--trace=json` prints. For every example, that the page reads the whole
// trace.
//
// Run: node tests/browser/trace_html.mjs SETTLE_BINARY [SCREENSHOT.png]
// with playwright-core installed (NODE_PATH, or `npm install --prefix target/browser
// playwright-core`) and Chromium at $CHROMIUM (default /usr/bin/chromium). .ci/run does this.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const settle = resolve(process.argv[2] || join(root, "target/debug/settle"));
const screenshot = process.argv[3] ? resolve(process.argv[3]) : join(root, "target/browser/trace-html.png");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
// playwright-core from target/browser (where .ci/run installs it), else from NODE_PATH.
const require = createRequire(join(root, "target/browser/package.json"));
const { chromium } = require("playwright-core");

const examples = join(root, "examples/js");
const file = "ch1-event-loop-ACDB.js";
const run = (format) => execFileSync(settle, ["--virtual-time", "--trace=" + format, file], { cwd: examples, encoding: "utf8" });

// What the page must show after each event of A C D B (step k = after event k), from the
// rules: the script is the first macrotask; setTimeout(.., 0) arms a timer due at 1 ms (Node's
// minimum); queueMicrotask jobs wait for the running task to end, then the checkpoint drains
// the microtask queue, jobs queued meanwhile (D, by C's job) included; the timer's task runs
// only after that.
const none = [];
const timer = ["timer 1: due at 1 ms, set by the script, line 5"];
const script = "the script";
const job1 = "microtask 1 (after the script)";
const job2 = "microtask 2 (after the script)";
const timerTask = "timer 1 (task 2)";
const expected = [
  /* 0 trace */ { task: none, microtask: none, timers: none, console: [], stack: [], line: null },
  /* 1 queued task */ { task: ["task from the host"], microtask: none, timers: none, console: [], stack: [], line: null },
  /* 2 task-start */ { task: none, microtask: none, timers: none, console: [], stack: [script], line: null },
  /* 3 console A */ { task: none, microtask: none, timers: none, console: ["A"], stack: ["(top level) \u2014 line 3", script], line: 3 },
  /* 4 timer-set */ { task: none, microtask: none, timers: timer, console: ["A"], stack: ["(top level) \u2014 line 5", script], line: 5 },
  /* 5 queued microtask */ { task: none, microtask: ["job from the script, line 9"], timers: timer, console: ["A"], stack: ["(top level) \u2014 line 9", script], line: 9 },
  /* 6 task-end */ { task: none, microtask: ["job from the script, line 9"], timers: timer, console: ["A"], stack: [], line: null },
  /* 7 checkpoint-start */ { task: none, microtask: ["job from the script, line 9"], timers: timer, console: ["A"], stack: [], line: null },
  /* 8 job-start */ { task: none, microtask: none, timers: timer, console: ["A"], stack: [job1], line: 9 },
  /* 9 console C */ { task: none, microtask: none, timers: timer, console: ["A", "C"], stack: ["(anonymous) \u2014 line 10", job1], line: 10 },
  /* 10 queued microtask */ { task: none, microtask: ["job from " + job1 + ", line 12"], timers: timer, console: ["A", "C"], stack: ["(anonymous) \u2014 line 12", job1], line: 12 },
  /* 11 job-end */ { task: none, microtask: ["job from " + job1 + ", line 12"], timers: timer, console: ["A", "C"], stack: [], line: null },
  /* 12 job-start */ { task: none, microtask: none, timers: timer, console: ["A", "C"], stack: [job2], line: 12 },
  /* 13 console D */ { task: none, microtask: none, timers: timer, console: ["A", "C", "D"], stack: ["(anonymous) \u2014 line 13", job2], line: 13 },
  /* 14 job-end */ { task: none, microtask: none, timers: timer, console: ["A", "C", "D"], stack: [], line: null },
  /* 15 checkpoint-end */ { task: none, microtask: none, timers: timer, console: ["A", "C", "D"], stack: [], line: null },
  /* 16 task-start timer */ { task: none, microtask: none, timers: none, console: ["A", "C", "D"], stack: [timerTask], line: 5 },
  /* 17 console B */ { task: none, microtask: none, timers: none, console: ["A", "C", "D", "B"], stack: ["(anonymous) \u2014 line 6", timerTask], line: 6 },
  /* 18 task-end */ { task: none, microtask: none, timers: none, console: ["A", "C", "D", "B"], stack: [], line: null },
  /* 19 exit */ { task: none, microtask: none, timers: none, console: ["A", "C", "D", "B"], stack: [], line: null },
];
// The sentence of a few steps, in part.
const why = {
  7: "A microtask checkpoint starts after the script: the nextTick queue, then the microtask queue, drain completely before the next task.",
  12: "Microtask 2 (after the script) runs now: queued by microtask 1 (after the script) at line 12; the microtask queue drains before the next task.",
  16: "Timer 1's callback runs now as task 2: set by the script at line 5, due at 1 ms;",
};

// Headless Chromium with a fresh profile in `dir`, and none of its background connections (the
// network is closed). Throws if it cannot start: the test then fails.
function launch(dir) {
  return chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 760 },
  });
}

// What the page shows now.
async function shown(page) {
  return page.evaluate(() => {
    const texts = (id) => Array.from(document.querySelectorAll("#" + id + " > li"), (li) => li.textContent);
    const lines = Array.from(document.querySelectorAll("#source > li"));
    const running = lines.findIndex((li) => li.className !== "");
    return {
      step: document.getElementById("step").textContent,
      why: document.getElementById("why").textContent,
      state: {
        task: texts("queue-task"),
        microtask: texts("queue-microtask"),
        timers: texts("timers"),
        console: texts("console"),
        stack: texts("stack"),
        line: running < 0 ? null : running + 1,
      },
      nextTick: texts("queue-nextTick"),
    };
  });
}

test("the A C D B replay shows the loop's queues at every step", async () => {
  const json = run("json").trim().split("\n").map((line) => JSON.parse(line));
  const html = run("html");
  assert.equal(json.length, expected.length, "one step per event of --trace=json");
  const dir = mkdtempSync(join(tmpdir(), "settle-trace-html-"));
  const pagePath = join(dir, "acdb.html");
  writeFileSync(pagePath, html);
  const context = await launch(dir);
  try {
    const page = context.pages()[0] || (await context.newPage());
    const requests = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(pagePath).href);
    // The page replays exactly the events --trace=json prints.
    const embedded = await page.evaluate(() => JSON.parse(document.getElementById("trace-data").textContent).events);
    assert.deepEqual(embedded, json);
    // Forward with the keyboard, checking every step.
    for (let k = 0; k < expected.length; k++) {
      if (k > 0) await page.keyboard.press("ArrowRight");
      const now = await shown(page);
      assert.equal(now.step, `step ${k} of ${expected.length - 1}`);
      assert.deepEqual(now.state, expected[k], `step ${k} (${json[k].event}): ${now.why}`);
      assert.deepEqual(now.nextTick, [], `step ${k}: nothing uses process.nextTick`);
      if (why[k]) assert.ok(now.why.startsWith(why[k]), `step ${k}: ${now.why}`);
    }
    // Past the end stays at the end; back with the buttons and the keyboard.
    await page.keyboard.press("ArrowRight");
    assert.equal((await shown(page)).step, `step ${expected.length - 1} of ${expected.length - 1}`);
    for (let k = expected.length - 2; k >= 9; k--) {
      await page.click("#back");
      assert.deepEqual((await shown(page)).state, expected[k], `back to step ${k}`);
    }
    await page.keyboard.press("ArrowLeft");
    assert.deepEqual((await shown(page)).state, expected[8], "ArrowLeft to step 8");
    await page.click("#forward");
    await page.click("#forward");
    assert.deepEqual((await shown(page)).state, expected[10], "forward to step 10");
    await page.screenshot({ path: screenshot });
    await page.click("#first");
    assert.deepEqual((await shown(page)).state, expected[0], "first");
    await page.keyboard.press("End");
    assert.deepEqual((await shown(page)).state, expected[expected.length - 1], "End");
    assert.deepEqual(errors, [], "no script errors");
    assert.deepEqual(requests, [], "the page loads nothing");
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Every example's page: loads without a script error, matches every start with the callback
// queued for it (no warning), and steps to its end.
test("every example's replay reads its whole trace", async () => {
  const files = readdirSync(examples).filter((f) => f.endsWith(".js")).sort();
  assert.ok(files.length >= 15, "examples/js holds the book's snippets");
  const dir = mkdtempSync(join(tmpdir(), "settle-trace-html-"));
  const context = await launch(dir);
  try {
    const page = context.pages()[0] || (await context.newPage());
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    for (const f of files) {
      let html;
      try {
        html = execFileSync(settle, ["--virtual-time", "--trace=html", f], { cwd: examples, encoding: "utf8" });
      } catch (e) {
        html = e.stdout; // a script that exits non-zero still has its page
      }
      const path = join(dir, f + ".html");
      writeFileSync(path, html);
      await page.goto(pathToFileURL(path).href);
      await page.keyboard.press("End");
      const seen = await page.evaluate(() => ({
        warning: document.getElementById("warning").hidden ? "" : document.getElementById("warning").textContent,
        step: document.getElementById("step").textContent,
        steps: document.querySelectorAll("#steps > li").length,
      }));
      assert.equal(seen.warning, "", f);
      assert.equal(seen.step, `step ${seen.steps - 1} of ${seen.steps - 1}`, f);
    }
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
