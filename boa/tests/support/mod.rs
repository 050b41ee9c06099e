//! Shared by the tests: a Boa context on a settle loop, with the host installed and output
//! captured.

#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use boa_engine::{Context, Source};
use settle_boa::{HostKind, Options, SettleJobExecutor, context_builder, install};
use settle_runtime::{EventLoop, Host};

pub struct Engine {
    pub el: EventLoop,
    pub executor: Rc<SettleJobExecutor>,
    pub context: Context,
    pub out: Rc<RefCell<Vec<u8>>>,
    pub err: Rc<RefCell<Vec<u8>>>,
}

impl Engine {
    pub fn new(kind: HostKind) -> Engine {
        let host = match kind {
            HostKind::Node => Host::Node,
            HostKind::Html => Host::Html,
        };
        let el = EventLoop::builder().virtual_clock().host(host).build();
        let executor = Rc::new(SettleJobExecutor::new(el.handle()));
        let mut context = context_builder(&el.handle(), executor.clone()).build().expect("a context");
        let out = Rc::new(RefCell::new(Vec::new()));
        let err = Rc::new(RefCell::new(Vec::new()));
        let options = Options { host: kind, ..Options::default() };
        install(&mut context, &el.handle(), &options, "test.js", out.clone(), err.clone()).expect("the host");
        Engine { el, executor, context, out, err }
    }

    /// Queues `source` as the script task (as `run` does).
    pub fn script(&self, source: &'static str) {
        self.el.queue_task_labelled_with("script", move |cx: &mut Context| {
            cx.eval(Source::from_bytes(source)).expect("the script runs");
        });
    }

    pub fn run(&mut self) -> Result<(), settle_runtime::RunError> {
        self.executor.run(&mut self.context)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8(self.out.borrow().clone()).expect("utf-8")
    }
}

/// Runs a script with `settle_boa::run` on the virtual clock: (exit code, stdout).
pub fn run(kind: HostKind, source: &str) -> (i32, String) {
    let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    let err = Rc::new(RefCell::new(Vec::<u8>::new()));
    let options = Options { host: kind, virtual_clock: true, ..Options::default() };
    let code = settle_boa::run("test.js", source, &options, out.clone(), err);
    let stdout = String::from_utf8(out.borrow().clone()).expect("utf-8");
    (code, stdout)
}
