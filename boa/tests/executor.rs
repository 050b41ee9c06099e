//! Each kind of Boa job lands where the host's processing model puts it, and every callback
//! reaches the `Context` through the loop's host context (no thread-local, no pointer).

mod support;

use std::time::Duration;

use boa_engine::job::{GenericJob, IntervalJob, TimeoutJob};
use boa_engine::{Context, JsValue, Source};
use settle_boa::HostKind;
use settle_runtime::Handle;
use support::Engine;

fn push(cx: &mut Context, what: &str) -> boa_engine::JsResult<JsValue> {
    cx.eval(Source::from_bytes(&format!("log.push({what:?})")))
}

fn log(cx: &mut Context) -> String {
    let v = cx.eval(Source::from_bytes("log.join(', ')")).expect("log");
    v.to_string(cx).expect("a string").to_std_string_escaped()
}

#[test]
fn promise_jobs_are_microtasks_generic_jobs_macrotasks_timeouts_timers() {
    let mut e = Engine::new(HostKind::Node);
    e.context.eval(Source::from_bytes("globalThis.log = []")).unwrap();
    e.el.queue_task_labelled_with("script", |cx: &mut Context| {
        let realm = cx.realm().clone();
        // Queued first, run last of the three kinds: a generic job is a task of its own.
        cx.enqueue_job(GenericJob::new(|cx| push(cx, "generic job"), realm).into());
        cx.enqueue_job(
            TimeoutJob::from_duration(|cx| push(cx, "timeout job 5 ms"), Duration::from_millis(5)).into(),
        );
        cx.eval(Source::from_bytes("Promise.resolve().then(() => log.push('promise job'))")).unwrap();
        let h = Handle::current();
        h.queue_task_with(|cx: &mut Context| {
            push(cx, "settle task").unwrap();
        });
        push(cx, "script").unwrap();
    });
    e.run().unwrap();
    assert_eq!(log(&mut e.context), "script, promise job, generic job, settle task, timeout job 5 ms");
}

#[test]
fn boa_cancellation_tokens_clear_settle_timers() {
    let mut e = Engine::new(HostKind::Html);
    e.context.eval(Source::from_bytes("globalThis.log = []")).unwrap();
    let cancelled =
        TimeoutJob::from_duration(|cx| push(cx, "cancelled timeout ran"), Duration::from_millis(2));
    let token = cancelled.cancellation_token().clone();
    e.context.enqueue_job(cancelled.into());
    token.cancel(&mut e.context);
    let interval = IntervalJob::from_duration(|cx| push(cx, "interval"), Duration::from_millis(10));
    let interval_token = interval.cancellation_token().clone();
    e.context.enqueue_job(interval.into());
    // Cancels the interval between its third and fourth run.
    e.context.enqueue_job(
        TimeoutJob::from_duration(
            move |cx| {
                interval_token.cancel(cx);
                push(cx, "cancel")
            },
            Duration::from_millis(35),
        )
        .into(),
    );
    e.run().unwrap();
    assert_eq!(log(&mut e.context), "interval, interval, interval, cancel");
    assert_eq!(e.el.now(), Duration::from_millis(35), "no timer was left behind");
}

#[test]
fn timeout_jobs_follow_the_host_delay_rules() {
    // Node: a 0 ms timeout waits 1 ms.
    let mut e = Engine::new(HostKind::Node);
    e.context.eval(Source::from_bytes("globalThis.log = []")).unwrap();
    e.context.enqueue_job(TimeoutJob::from_duration(|cx| push(cx, "zero"), Duration::ZERO).into());
    e.run().unwrap();
    assert_eq!(log(&mut e.context), "zero");
    assert_eq!(e.el.now(), Duration::from_millis(1));
}

#[test]
fn date_now_and_performance_now_read_the_virtual_clock() {
    let (code, out) = support::run(
        HostKind::Node,
        "const t0 = Date.now(), p0 = performance.now();
         setTimeout(() => console.log(Date.now() - t0, performance.now() - p0), 86400000);",
    );
    assert_eq!((code, out.as_str()), (0, "86400000 86400000\n"));
}

#[test]
fn running_the_jobs_from_inside_the_loop_is_refused_not_a_deadlock() {
    let mut e = Engine::new(HostKind::Node);
    e.el.queue_task_with(|cx: &mut Context| {
        let err = cx.run_jobs().expect_err("the loop is already running");
        assert!(err.to_string().contains("stopped"), "{err}");
        cx.eval(Source::from_bytes("globalThis.refused = true")).unwrap();
    });
    e.run().unwrap();
    let refused = e.context.eval(Source::from_bytes("refused")).unwrap();
    assert_eq!(refused.as_boolean(), Some(true));
}

#[test]
fn the_source_has_no_unsafe_and_no_thread_local() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for banned in ["unsafe ", "unsafe{", "thread_local!", "static mut"] {
            assert!(!text.contains(banned), "{} contains {banned:?}", path.display());
        }
    }
}
