//! The book's A C D B example (chapter 1, "Jobs"): a job runs at the end of the current task,
//! jobs queued by jobs run in the same checkpoint, and a zero-delay timer waits for the next task.
//!
//! Run with `cargo run --example acdb`; prints `A C D B`.

use std::time::Duration;

use settle::runtime::{EventLoop, Handle, queue_microtask};

fn main() {
    let el = EventLoop::builder().virtual_clock().build();
    el.queue_task(|| {
        println!("A");
        Handle::current().set_timeout(Duration::ZERO, || println!("B"));
        queue_microtask(|| {
            println!("C");
            queue_microtask(|| println!("D"));
        });
    });
    el.run().expect("the loop runs to completion");
}
