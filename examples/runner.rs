//! The book's generator runner (chapter 4, "Generators + Promises"), as async Rust on settle:
//! steps that return promises read like synchronous code, and a failure is caught with `match`.
//!
//! Run with `cargo run --example runner`.

use std::time::Duration;

use settle::promise::{Error, Promise, sleep, spawn_local};
use settle::runtime::EventLoop;

/// A fake `request(url)`: answers after a delay on the loop's clock.
fn request(url: &'static str) -> Promise<String> {
    spawn_local(async move {
        sleep(Duration::from_millis(100)).await?;
        if url.contains("bad") {
            Err(Error::msg(format!("404 for {url}")))
        } else {
            Ok(format!("response of {url}"))
        }
    })
}

fn main() {
    let el = EventLoop::builder().virtual_clock().build();
    el.queue_task(|| {
        let main: Promise<()> = spawn_local(async {
            let r1 = request("http://some.url.1").await?;
            let r2 = request("http://some.url.2").await?;
            println!("{r1}, {r2}");
            match request("http://bad.url").await {
                Ok(r) => println!("unexpected: {r}"),
                Err(e) => println!("caught: {e}"),
            }
            Ok::<(), Error>(())
        });
        main.catch(|e| {
            eprintln!("main failed: {e}");
            Ok(())
        });
    });
    el.run().expect("the loop runs to completion");
    println!("finished at {:?} on the virtual clock", el.now());
}
