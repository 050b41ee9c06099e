//! With the `tracing` feature, an application's own `tracing` subscriber receives the loop's
//! events, in order, beside the application's events (issue 17): the book's A C D B example.
//! Run with `cargo test -p settle-runtime --features tracing --test tracing`.
#![cfg(feature = "tracing")]

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use settle_runtime::{EventLoop, Handle, queue_microtask};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records each event as one line: the loop's as `EVENT ORIGIN`, the application's as its message.
struct Recorder(Arc<Mutex<Vec<String>>>);

#[derive(Default)]
struct Fields {
    event: String,
    origin: String,
    queue: String,
    message: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "event" => self.event = value.to_string(),
            "queue" => self.queue = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "origin" | "by" => self.origin = format!("{value:?}"),
            "message" => self.message = format!("{value:?}"),
            _ => {}
        }
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let line = if event.metadata().target() == "settle_runtime::event_loop" {
            [f.event, f.queue, f.origin].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
        } else {
            format!("app {}", f.message)
        };
        self.0.lock().expect("not poisoned").push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[test]
fn a_tracing_subscriber_sees_the_loop_of_acdb_in_order() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    tracing::subscriber::with_default(Recorder(lines.clone()), || {
        let el = EventLoop::builder().virtual_clock().build();
        el.queue_task(|| {
            tracing::info!("A");
            Handle::current().set_timeout(Duration::ZERO, || tracing::info!("B"));
            queue_microtask(|| {
                tracing::info!("C");
                queue_microtask(|| tracing::info!("D"));
            });
        });
        el.run().expect("the loop runs to completion");
    });
    let lines = lines.lock().expect("not poisoned").clone();
    assert_eq!(
        lines,
        [
            "queued task script",
            "task-start macrotask 1",
            "app A",
            "timer-set macrotask 1",
            "queued microtask macrotask 1",
            "task-end macrotask 1",
            "checkpoint-start",
            "job-start microtask 1 of checkpoint 1",
            "app C",
            "queued microtask microtask 1 of checkpoint 1",
            "job-end microtask 1 of checkpoint 1",
            "job-start microtask 2 of checkpoint 1",
            "app D",
            "job-end microtask 2 of checkpoint 1",
            "checkpoint-end",
            "task-start macrotask 2 (timer)",
            "app B",
            "task-end macrotask 2 (timer)",
        ]
    );
}
