//! A destructor that panics inside the iterative drop of a pending promise (issue 13, item 2):
//! the panic is reported (through the uncaught hook with a loop current, resumed from the drop
//! without one), the rest of the drop still frees what it owns, and later drops on the thread
//! free their memory: once, a single panic left every later pending promise queued forever.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use settle::promise::Promise;
use settle::runtime::{EventLoop, UncaughtKind};

/// Counts its drops; panics in its destructor when `panics` is set.
struct Witness {
    freed: Rc<Cell<usize>>,
    panics: bool,
}

impl Drop for Witness {
    fn drop(&mut self) {
        self.freed.set(self.freed.get() + 1);
        if self.panics {
            panic!("witness destructor panicked");
        }
    }
}

/// A pending root with `chains` two-link chains on it, the first link of each capturing a
/// witness (the first one panicking, when `first_panics`). Dropping the root drops them all
/// through the iterative drop.
fn pending_chains(chains: usize, first_panics: bool, freed: &Rc<Cell<usize>>) -> Promise<u32> {
    let (root, resolvers) = Promise::<u32>::with_resolvers();
    for i in 0..chains {
        let w = Witness { freed: freed.clone(), panics: first_panics && i == 0 };
        root.then(move |v| {
            let _keep = &w;
            Ok(v)
        })
        .then(|v| Ok(v + 1));
    }
    drop(resolvers);
    root
}

const CHAINS: usize = 100_000;

#[test]
fn a_panicking_destructor_is_reported_and_later_drops_free_everything() {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let log = reports.clone();
    let el = EventLoop::builder()
        .on_uncaught(move |u| log.borrow_mut().push((u.kind(), u.message().to_string())))
        .build();
    let _g = el.enter();

    let freed = Rc::new(Cell::new(0));
    // The panicking witness is dropped first (reactions are drained from the back, and it is
    // the first registered: the rest of its batch is dropped after the panic).
    let root = pending_chains(10, true, &freed);
    drop(root); // reported, not propagated
    assert_eq!(freed.get(), 10, "the records after the panic were freed too");
    assert_eq!(*reports.borrow(), [(UncaughtKind::Panic, "witness destructor panicked".to_string())]);

    // Later drops on this thread work: every capture of 100 000 chains is freed.
    let freed = Rc::new(Cell::new(0));
    let root = pending_chains(CHAINS, false, &freed);
    drop(root);
    assert_eq!(freed.get(), CHAINS);
    assert_eq!(Rc::strong_count(&freed), 1, "every clone of the counter was released");
    assert_eq!(reports.borrow().len(), 1, "no further reports");
}

#[test]
fn without_a_loop_the_panic_propagates_from_the_drop_and_later_drops_work() {
    let freed = Rc::new(Cell::new(0));
    let el = EventLoop::new();
    let (root, later) = {
        let _g = el.enter();
        (pending_chains(10, true, &freed), pending_chains(CHAINS, false, &Rc::new(Cell::new(0))))
    };
    // No loop is current here: the drop panics as a panicking destructor would.
    let payload = catch_unwind(AssertUnwindSafe(|| drop(root))).expect_err("the panic propagates");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"witness destructor panicked"));
    assert_eq!(freed.get(), 10, "the whole drop ran before the panic was resumed");

    // A chain dropped afterwards, outside any loop, is freed.
    let freed = Rc::new(Cell::new(0));
    let root = {
        let _g = el.enter();
        pending_chains(CHAINS, false, &freed)
    };
    drop(root);
    assert_eq!(freed.get(), CHAINS);
    assert_eq!(Rc::strong_count(&freed), 1);
    drop(later);
}

#[test]
fn a_panic_in_a_deep_chain_does_not_stop_the_rest_of_the_chain_from_dropping() {
    // One chain 100 000 links long, a witness on every link, the one in the middle panicking:
    // everything before and after it is freed, and the drop stays iterative.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let reports = Rc::new(Cell::new(0));
            let count = reports.clone();
            let el = EventLoop::builder().on_uncaught(move |_| count.set(count.get() + 1)).build();
            let _g = el.enter();
            let freed = Rc::new(Cell::new(0));
            let (root, resolvers) = Promise::<u32>::with_resolvers();
            let mut tail = root.clone();
            for i in 0..CHAINS {
                let w = Witness { freed: freed.clone(), panics: i == CHAINS / 2 };
                tail = tail.then(move |v| {
                    let _keep = &w;
                    Ok(v + 1)
                });
            }
            drop((tail, resolvers));
            drop(root);
            assert_eq!(freed.get(), CHAINS);
            assert_eq!(reports.get(), 1);
        })
        .unwrap()
        .join()
        .unwrap();
}
