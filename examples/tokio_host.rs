//! settle inside a tokio application: a tokio `main` keeps serving its own task (a ticker)
//! while settle runs promise work with a worker and timers, driven as a future
//! (`EventLoop::run_async`). Neither starves the other and nothing polls on an interval: the
//! settle loop's future is woken by its timers (the loop's alarm) and by the worker's result
//! (a remote post), and tokio runs the ticker whenever settle waits.
//!
//! Run it with `cargo run --example tokio_host`; tests/tokio_host.rs runs the same code and
//! checks the order of what it prints (the facts that do not depend on timing).

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use settle::prelude::*;

/// The lines printed so far, shared by the settle side and the tokio ticker.
#[derive(Clone, Debug, Default)]
pub struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn print(&self, line: String) {
        println!("{line}");
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Runs the example on a current-thread tokio runtime and returns what it printed.
pub fn run() -> Vec<String> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a tokio runtime");
    let lines = Lines::default();
    runtime.block_on(serve(lines.clone()));
    lines.take()
}

async fn serve(lines: Lines) {
    // tokio's own task: ticks every 5 ms until it is stopped. Its first tick also lets the
    // settle worker go on, so the worker's result comes after at least one tick, whatever
    // the timing.
    let (first_tick, wait_for_tick) = mpsc::channel::<()>();
    let ticker_lines = lines.clone();
    let ticker = tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(5));
        for n in 1u32.. {
            interval.tick().await;
            ticker_lines.print(format!("tokio: tick {n}"));
            let _ = first_tick.send(());
        }
    });

    // settle's work: a task with timers, a worker and a combinator.
    let el = EventLoop::new();
    let settle_lines = lines.clone();
    el.queue_task(move || {
        let lines = settle_lines;
        spawn_local(async move {
            lines.print("settle: started".to_string());
            let worker = spawn_blocking(move || {
                wait_for_tick.recv().map_err(|_| Error::msg("the ticker stopped"))?;
                Ok((1..=10u64).product::<u64>())
            });
            sleep(Duration::from_millis(10)).await?;
            lines.print("settle: timer of 10 ms fired".to_string());
            let product = worker.await?;
            lines.print(format!("settle: the worker computed 10! = {product}"));
            let both = Promise::all(vec![
                spawn_local(async {
                    sleep(Duration::from_millis(3)).await?;
                    Ok(3)
                }),
                spawn_local(async {
                    sleep(Duration::from_millis(1)).await?;
                    Ok(1)
                }),
            ])
            .await?;
            lines.print(format!("settle: Promise.all of two timers gave {both:?}"));
            Ok(())
        });
    });
    // The loop as a future: returns when settle has nothing left to do.
    el.run_async().await.expect("the settle loop ran to completion");
    lines.print("settle: loop finished".to_string());

    ticker.abort();
    let _ = ticker.await; // cancelled
    lines.print("tokio: ticker stopped".to_string());
}

fn main() {
    let lines = run();
    let ticks = lines.iter().filter(|l| l.starts_with("tokio: tick ")).count();
    println!("({ticks} ticks while settle worked)");
}
