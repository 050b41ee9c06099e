//! The forms a first program writes compile with the prelude alone: no turbofish, no type
//! annotation on a promise (issue 11, item 7). Each form also runs, and what it did is
//! asserted.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use settle::prelude::*;

/// A log shared by the forms: each pushes what it saw.
fn log() -> (Rc<RefCell<Vec<String>>>, impl Fn(String) + Clone + 'static) {
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    (out, move |line: String| o.borrow_mut().push(line))
}

#[test]
fn a_discarded_spawn_local_runs() {
    let (out, push) = log();
    let el = EventLoop::new();
    el.queue_task(move || {
        spawn_local(async move {
            push("task ran".to_string());
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*out.borrow(), ["task ran"]);
}

#[test]
fn promise_resolve_and_a_handler() {
    let (out, push) = log();
    let el = EventLoop::new();
    el.queue_task(move || {
        Promise::resolve(1).then(move |v| {
            push(format!("resolved {v}"));
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*out.borrow(), ["resolved 1"]);
}

#[test]
fn race_any_all_of_a_vec() {
    let (out, push) = log();
    let el = EventLoop::new();
    el.queue_task(move || {
        let (p1, p2) = (push.clone(), push.clone());
        Promise::race(vec![Promise::resolve(1), Promise::resolve(2)]).then(move |v| {
            p1(format!("race {v}"));
            Ok(())
        });
        Promise::any(vec![Promise::reject(Error::msg("no")), Promise::resolve(3)]).then(move |v| {
            p2(format!("any {v}"));
            Ok(())
        });
        Promise::all(vec![Promise::resolve(4), Promise::resolve(5)]).then(move |v| {
            push(format!("all {v:?}"));
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*out.borrow(), ["race 1", "any 3", "all [4, 5]"]);
}

#[test]
fn a_handler_returning_a_promise_is_adopted() {
    let (out, push) = log();
    let el = EventLoop::new();
    el.queue_task(move || {
        // `and_then`: the handler's promise names the value type.
        Promise::resolve(20).and_then(|v| Promise::resolve(v + 1)).then(move |v| {
            push(format!("adopted {}", v * 2));
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*out.borrow(), ["adopted 42"]);
}

#[test]
fn spawn_blocking_discarded_and_awaited_and_sleep_in_a_task() {
    let (out, push) = log();
    let el = EventLoop::builder().virtual_clock().build();
    el.queue_task(move || {
        spawn_blocking(|| Ok(())); // discarded: runs, and keeps the loop alive until back
        spawn_local(async move {
            let v = spawn_blocking(|| Ok(6 * 7)).await?;
            push(format!("worker gave {v}"));
            sleep(Duration::from_secs(2)).await?;
            push("slept".to_string());
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*out.borrow(), ["worker gave 42", "slept"]);
    assert_eq!(el.now(), Duration::from_secs(2));
}

#[test]
fn a_string_reason_rejected_and_caught() {
    let (out, push) = log();
    let el = EventLoop::new();
    el.queue_task(move || {
        let p: Promise<i32, String> = Promise::reject("Oops".to_string());
        p.catch(|e| Ok(e.len() as i32)).then(move |n| {
            push(format!("caught {n}"));
            Ok(())
        });
    });
    el.run().unwrap();
    assert_eq!(*out.borrow(), ["caught 4"]);
}

#[test]
fn block_on_returns_the_output() {
    let v = block_on(async {
        let a = Promise::resolve(40).await?;
        let b = spawn_blocking(|| Ok(2)).await?;
        Ok::<_, Error>(a + b)
    });
    assert_eq!(v.unwrap(), 42);
}
