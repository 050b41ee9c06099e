//! A Boa `NativeAsyncJob` (a host function whose promise an async Rust future settles) is driven
//! on the loop: each poll is a macrotask at the position of its wake-up, in order with the
//! promise jobs and timers around it, and nothing blocks inside a task.

mod support;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

use boa_engine::{Context, JsResult, JsValue, NativeFunction, js_string};
use settle_boa::{HostKind, SettleJobExecutor};
use support::Engine;

/// A future that completes when a settle timer fires; the timer's callback wakes it.
struct Sleep {
    executor: Rc<SettleJobExecutor>,
    ms: f64,
    fired: Option<Rc<Cell<bool>>>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        match &self.fired {
            Some(fired) if fired.get() => Poll::Ready(()),
            Some(_) => Poll::Pending,
            None => {
                let fired = Rc::new(Cell::new(false));
                let (f, waker) = (fired.clone(), cx.waker().clone());
                self.executor.handle().set_timeout_ms(self.ms, move || {
                    f.set(true);
                    waker.wake();
                });
                self.fired = Some(fired);
                Poll::Pending
            }
        }
    }
}

/// `sleep(ms, value)`: a promise fulfilled with `value` by an async Rust function after `ms`
/// of settle time.
async fn sleep(_: &JsValue, args: &[JsValue], context: &RefCell<&mut Context>) -> JsResult<JsValue> {
    let ms = args.first().and_then(JsValue::as_number).unwrap_or(0.0);
    let value = args.get(1).cloned().unwrap_or_default();
    let executor = context.borrow().downcast_job_executor::<SettleJobExecutor>().expect("settle's executor");
    Sleep { executor, ms, fired: None }.await;
    Ok(value)
}

#[test]
fn an_async_job_awaiting_a_settle_timer_completes_on_the_loop_in_order() {
    let mut e = Engine::new(HostKind::Node);
    e.context
        .register_global_builtin_callable(js_string!("sleep"), 2, NativeFunction::from_async_fn(sleep))
        .unwrap();
    e.script(
        "setTimeout(() => console.log('timer 5, set before the sleep'), 5);
         sleep(5, 'slept').then(v => {
             console.log('then:', v);
             Promise.resolve().then(() => console.log('a job queued by the handler'));
         });
         setTimeout(() => console.log('timer 6'), 6);
         Promise.resolve().then(() => console.log('promise job of the script'));
         console.log('script');",
    );
    e.run().unwrap();
    assert_eq!(
        e.stdout(),
        "script\npromise job of the script\ntimer 5, set before the sleep\nthen: slept\n\
         a job queued by the handler\ntimer 6\n"
    );
    assert_eq!(e.el.now(), Duration::from_millis(6));
}

/// A future settled from another thread (a worker): the run waits for it without polling.
struct FromThread {
    slot: Arc<Mutex<(Option<f64>, Option<Waker>)>>,
}

impl Future for FromThread {
    type Output = f64;
    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<f64> {
        let mut slot = self.slot.lock().unwrap();
        match slot.0 {
            Some(v) => Poll::Ready(v),
            None => {
                slot.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

async fn on_a_thread(_: &JsValue, args: &[JsValue], _: &RefCell<&mut Context>) -> JsResult<JsValue> {
    let n = args.first().and_then(JsValue::as_number).unwrap_or(0.0);
    let slot = Arc::new(Mutex::new((None, None::<Waker>)));
    let s = slot.clone();
    let worker = std::thread::spawn(move || {
        let waker = {
            let mut slot = s.lock().unwrap();
            slot.0 = Some(n * 2.0);
            slot.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    });
    let v = FromThread { slot }.await;
    worker.join().expect("the worker");
    Ok(JsValue::from(v))
}

#[test]
fn an_async_job_woken_by_another_thread_completes_and_the_run_waits_for_it() {
    let mut e = Engine::new(HostKind::Node);
    e.context
        .register_global_builtin_callable(js_string!("double"), 1, NativeFunction::from_async_fn(on_a_thread))
        .unwrap();
    e.script(
        "double(21)
             .then(v => { console.log('worker said', v); return double(v); })
             .then(v => console.log('and then', v));
         Promise.resolve().then(() => console.log('promise job'));
         console.log('script');",
    );
    e.run().unwrap();
    assert_eq!(e.stdout(), "script\npromise job\nworker said 42\nand then 84\n");
}
