//! Unhandled rejections of Boa's promises go through settle's rejection tracker, with Node's
//! and HTML's timing. Each expected output is what `node` 20 (or, for HTML, a browser's event
//! order) prints for the same script.

mod support;

use settle_boa::HostKind;
use support::run;

#[test]
fn node_unhandled_then_handled_later() {
    let (code, out) = run(
        HostKind::Node,
        "process.on('unhandledRejection', (r, p) => console.log('unhandledRejection', r, p));
         process.on('rejectionHandled', (p) => console.log('rejectionHandled', p));
         const p = Promise.reject(1);
         const q = Promise.reject(2);
         q.catch(() => console.log('q caught in time'));
         setTimeout(() => { p.catch(() => console.log('p caught late')); }, 0);
         Promise.resolve().then(() => console.log('microtask'));
         process.nextTick(() => console.log('tick'));
         console.log('sync');",
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "sync\ntick\nq caught in time\nmicrotask\nunhandledRejection 1 Promise { <rejected> 1 }\n\
         p caught late\nrejectionHandled Promise { <rejected> 1 }\n"
    );
}

#[test]
fn node_dies_of_an_unhandled_rejection_after_the_checkpoint() {
    let (code, out) = run(
        HostKind::Node,
        "const a = Promise.reject(new Error('a'));
         setTimeout(() => console.log('never'), 0);
         Promise.resolve().then(() => console.log('microtask before the crash'));
         console.log('sync');",
    );
    assert_eq!((code, out.as_str()), (1, "sync\nmicrotask before the crash\n"));
}

#[test]
fn node_reports_the_whole_batch_even_if_a_listener_handles_a_later_one() {
    let (code, out) = run(
        HostKind::Node,
        "process.on('unhandledRejection', (r, p) => { console.log('unhandled', r); b.catch(() => {}); });
         const a = Promise.reject('a');
         const b = Promise.reject('b');
         setTimeout(() => console.log('timer'), 0);",
    );
    assert_eq!((code, out.as_str()), (0, "unhandled a\nunhandled b\ntimer\n"));
}

#[test]
fn node_uncaught_exception_listener_and_exit_code() {
    let (code, out) = run(
        HostKind::Node,
        "process.on('uncaughtException', (e, origin) => console.log('caught', e.message, origin));
         setTimeout(() => { throw new Error('from a timer'); }, 0);
         setTimeout(() => console.log('loop goes on'), 1);
         process.exitCode = 3;",
    );
    assert_eq!((code, out.as_str()), (3, "caught from a timer uncaughtException\nloop goes on\n"));
}

#[test]
fn node_dies_of_an_uncaught_exception_at_once() {
    let (code, out) = run(
        HostKind::Node,
        "Promise.resolve().then(() => { throw new Error('x'); });
         Promise.resolve().then(() => console.log('the second job of the checkpoint'));
         setTimeout(() => console.log('never'), 0);",
    );
    // A throw inside a promise job rejects its promise: that is a rejection, not a throw; the
    // second job runs, then the rejection kills the process.
    assert_eq!((code, out.as_str()), (1, "the second job of the checkpoint\n"));
    let (code, out) = run(
        HostKind::Node,
        "queueMicrotask(() => { throw new Error('x'); });
         queueMicrotask(() => console.log('never: Node died in the first microtask'));",
    );
    assert_eq!((code, out.as_str()), (1, ""));
}

#[test]
fn html_events_prevent_default_and_handled_later() {
    let (code, out) = run(
        HostKind::Html,
        "addEventListener('unhandledrejection', (e) => {
             console.log('unhandledrejection', e.reason);
             if (e.reason === 'quiet') e.preventDefault();
         });
         addEventListener('rejectionhandled', (e) => console.log('rejectionhandled', e.reason));
         const p = Promise.reject('loud');
         Promise.reject('quiet');
         setTimeout(() => { p.catch(() => console.log('caught late')); }, 0);
         setTimeout(() => console.log('typeof process:', typeof process), 10);
         console.log('sync');",
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "sync\nunhandledrejection loud\nunhandledrejection quiet\ncaught late\nrejectionhandled loud\n\
         typeof process: undefined\n"
    );
}

#[test]
fn html_checks_handled_as_it_reaches_each_promise() {
    // HTML (unlike Node) skips a promise that an earlier listener gave a handler.
    let (code, out) = run(
        HostKind::Html,
        "addEventListener('unhandledrejection', (e) => { console.log('unhandled', e.reason); b.catch(() => {}); });
         const a = Promise.reject('a');
         const b = Promise.reject('b');",
    );
    assert_eq!((code, out.as_str()), (0, "unhandled a\n"));
}

/// A promise rejected with itself: its report must describe a cycle, not recurse through it
/// (Boa's own `Display` of such a promise never ends; settle-boa describes reasons with
/// settle-inspect). Node 20 prints the same lines.
#[test]
fn node_promise_rejected_with_itself() {
    let (code, out) = run(
        HostKind::Node,
        "process.on('unhandledRejection', (r, p) => console.log('unhandled', r === p, p));
         let reject;
         const p = new Promise((_, rej) => { reject = rej; });
         reject(p);
         console.log('sync');",
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "sync\nunhandled true <ref *1> Promise { <rejected> [Circular *1] }\n")
    );
}

#[test]
fn node_dies_of_a_promise_rejected_with_itself() {
    let (code, out) = run(
        HostKind::Node,
        "let reject;
         const p = new Promise((_, rej) => { reject = rej; });
         reject(p);
         console.log('sync');",
    );
    assert_eq!((code, out.as_str()), (1, "sync\n"));
}
