//! The ordering examples of "You Don't Know JS: Async & Performance", chapters 1 and 3 (and the
//! `Promise.all` / `Promise.race` examples of "ES6 & Beyond", chapter 4, which chapter 3's
//! section 3.7 summarises), run on settle with their exact output.
//!
//! Each test quotes the book's expected output. `console.log` becomes a shared log; `setTimeout`
//! becomes a settle timer on the virtual clock (so times are exact and the tests take no real
//! time); the book's imaginary `schedule(..)` Job API is `queue_microtask`; a string reason such
//! as `reject("Oops")` is `Error::msg("Oops")`. Every loop reports unhandled rejections and
//! panics into the same log, so an unexpected report fails the exact comparison.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use settle_futures::patterns::{first, last, map, none, observe, promisify, timeout};
use settle_promise::{
    Error, ErrorKind, Promise, PromiseState, PromiseStatics, Resolution, Resolvers, Thenable, TimeoutError,
};
use settle_runtime::{EventLoop, Handle, queue_microtask};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `console.log`, shared by everything in a test.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    fn log(&self, line: impl ToString) {
        self.0.borrow_mut().push(line.to_string());
    }

    /// Logs with the virtual time, for the timer examples.
    fn at(&self, line: impl std::fmt::Display) {
        let now = Handle::current().now().as_millis();
        self.0.borrow_mut().push(format!("{line} @{now}ms"));
    }

    fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// A loop on the virtual clock whose uncaught errors (unhandled rejections, panics) go into
/// the log.
fn book_loop(log: &Log) -> EventLoop {
    let l = log.clone();
    EventLoop::builder()
        .virtual_clock()
        .on_uncaught(move |u| l.log(format!("uncaught: {}", u.message())))
        .build()
}

/// Runs `script` as the program's first macrotask, then the loop until nothing is left.
fn run(script: impl FnOnce(Log) + 'static) -> Vec<String> {
    let log = Log::default();
    let el = book_loop(&log);
    let l = log.clone();
    el.queue_task(move || script(l));
    el.run().unwrap();
    log.lines()
}

/// A promise that a timer settles: `new Promise(r => setTimeout(() => r(v), after))`.
fn later<T: Clone + 'static>(after: u64, outcome: Result<T, Error>) -> Promise<T> {
    Promise::new(|r| {
        Handle::current().set_timeout(ms(after), move || match outcome {
            Ok(v) => r.resolve(v),
            Err(e) => r.reject(e),
        });
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Chapter 1, "Jobs"
// ---------------------------------------------------------------------------------------------

/// ```js
/// console.log( "A" );
/// setTimeout( function(){ console.log( "B" ); }, 0 );
/// // theoretical "Job API"
/// schedule( function(){
///     console.log( "C" );
///     schedule( function(){ console.log( "D" ); } );
/// } );
/// ```
/// "You might expect this to print out A B C D, but instead it would print out A C D B."
#[test]
fn ch1_jobs_run_before_the_next_timer_a_c_d_b() {
    let out = run(|log| {
        log.log("A");
        let l = log.clone();
        Handle::current().set_timeout(Duration::ZERO, move || l.log("B"));
        let l = log.clone();
        queue_microtask(move || {
            l.log("C");
            let l = l.clone();
            queue_microtask(move || l.log("D"));
        });
    });
    assert_eq!(out, ["A", "C", "D", "B"]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Promise Trust": scheduling
// ---------------------------------------------------------------------------------------------

/// ```js
/// p.then( function(){
///     p.then( function(){ console.log( "C" ); } );
///     console.log( "A" );
/// } );
/// p.then( function(){ console.log( "B" ); } );
/// // A B C
/// ```
#[test]
fn ch3_reactions_run_in_registration_order_a_b_c() {
    let out = run(|log| {
        let p = Promise::<()>::resolve(());
        let (p2, l, l2) = (p.clone(), log.clone(), log.clone());
        p.then(move |()| {
            let l3 = l.clone();
            p2.then(move |()| {
                l3.log("C");
                Ok(())
            });
            l.log("A");
            Ok(())
        });
        p.then(move |()| {
            l2.log("B");
            Ok(())
        });
    });
    assert_eq!(out, ["A", "B", "C"]);
}

/// ```js
/// var p3 = new Promise( function(resolve,reject){ resolve( "B" ); } );
/// var p1 = new Promise( function(resolve,reject){ resolve( p3 ); } );
/// var p2 = new Promise( function(resolve,reject){ resolve( "A" ); } );
/// p1.then( function(v){ console.log( v ); } );
/// p2.then( function(v){ console.log( v ); } );
/// // A B  <-- not  B A  as you might expect
/// ```
#[test]
fn ch3_p1_resolved_with_p3_logs_a_before_b() {
    let out = run(|log| {
        let p3 = Promise::<&str>::new(|r| {
            r.resolve("B");
            Ok(())
        });
        let p1 = Promise::<&str>::new(|r| {
            r.resolve(p3);
            Ok(())
        });
        let p2 = Promise::<&str>::new(|r| {
            r.resolve("A");
            Ok(())
        });
        let (l1, l2) = (log.clone(), log.clone());
        p1.then(move |v| {
            l1.log(v);
            Ok(())
        });
        p2.then(move |v| {
            l2.log(v);
            Ok(())
        });
    });
    assert_eq!(out, ["A", "B"]);
}

/// "Calling too early": even an immediately resolved promise cannot be observed synchronously;
/// `then` callbacks always run asynchronously.
/// ```js
/// new Promise( function(resolve){ resolve( 42 ); } ).then( v => console.log( v ) );
/// console.log( "sync" );
/// // sync 42
/// ```
#[test]
fn ch3_then_on_a_resolved_promise_is_still_asynchronous() {
    let out = run(|log| {
        let l = log.clone();
        Promise::<i32>::new(|r| {
            r.resolve(42);
            Ok(())
        })
        .then(move |v| {
            l.log(v);
            Ok(())
        });
        log.log("sync");
    });
    assert_eq!(out, ["sync", "42"]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Never calling the callback": the timeout race
// ---------------------------------------------------------------------------------------------

/// The book's helper, as written there:
/// ```js
/// function timeoutPromise(delay) {
///     return new Promise( function(resolve,reject){
///         setTimeout( function(){ reject( "Timeout!" ); }, delay );
///     } );
/// }
/// ```
fn timeout_promise(delay: u64) -> Promise<i32> {
    Promise::new(|r: Resolvers<i32>| {
        Handle::current().set_timeout(ms(delay), move || r.reject(Error::msg("Timeout!")));
        Ok(())
    })
}

/// Logs the book's two outcomes of a timeout race.
fn report(log: &Log, p: &Promise<i32>) {
    let (l1, l2) = (log.clone(), log.clone());
    p.then_both(
        move |v| {
            // "`foo(..)` fulfilled in time!"
            l1.at(format!("in time: {v}"));
            Ok(())
        },
        move |err| {
            // "either `foo()` rejected, or it just didn't finish in time, so inspect `err`"
            l2.at(format!("err: {err}"));
            Ok(())
        },
    );
}

/// ```js
/// Promise.race( [
///     foo(),                  // attempt `foo()`
///     timeoutPromise( 3000 )  // give it 3 seconds
/// ] )
/// .then( function(){ /* `foo(..)` fulfilled in time! */ },
///        function(err){ /* either `foo()` rejected, or it just didn't finish in time */ } );
/// ```
/// Both outcomes: `foo()` answering after 1 s, and after 5 s ("Timeout!").
#[test]
fn ch3_the_book_timeout_race_in_time_and_timeout() {
    let out = run(|log| {
        let fast = Promise::race([later(1000, Ok(42)), timeout_promise(3000)]);
        report(&log, &fast);
    });
    // The book's timer is not cleared: the loop still runs until 3000 ms, harmlessly.
    assert_eq!(out, ["in time: 42 @1000ms"]);

    let out = run(|log| {
        let slow = Promise::race([later(5000, Ok(42)), timeout_promise(3000)]);
        report(&log, &slow);
    });
    assert_eq!(out, ["err: Timeout! @3000ms"]);
}

/// The same race with `patterns::timeout`, which clears its timer once `foo()` settles: with
/// the virtual clock, the loop ends when the last timer fires, so the final time shows which
/// timers were still alive.
#[test]
fn ch3_timeout_pattern_in_time_and_timeout() {
    let log = Log::default();
    let el = book_loop(&log);
    let l = log.clone();
    el.queue_task(move || report(&l, &timeout(later(1000, Ok(42)), ms(3000))));
    el.run().unwrap();
    assert_eq!(log.lines(), ["in time: 42 @1000ms"]);
    assert_eq!(el.now(), ms(1000), "the 3 s timer was cleared");

    let log = Log::default();
    let el = book_loop(&log);
    let l = log.clone();
    el.queue_task(move || {
        let p = timeout(later(5000, Ok(42)), ms(3000));
        let l2 = l.clone();
        p.catch(move |e| {
            assert!(matches!(e.kind(), ErrorKind::Timeout(TimeoutError)));
            l2.log(TimeoutError);
            Ok(0)
        });
        report(&l, &p);
    });
    el.run().unwrap();
    assert_eq!(log.lines(), ["Timeout!", "err: TimeoutError: Timeout! @3000ms"]);
    assert_eq!(el.now(), ms(5000), "foo() itself still finishes: promises are not cancelable");
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Swallowing any errors/exceptions"
// ---------------------------------------------------------------------------------------------

/// ```js
/// var p = new Promise( function(resolve,reject){
///     foo.bar();      // `foo` is not defined, so error!
///     resolve( 42 );  // never gets here :(
/// } );
/// p.then( function fulfilled(){ /* never gets here :( */ },
///         function rejected(err){ /* `err` will be a `TypeError` exception object
///                                    from the `foo.bar()` line. */ } );
/// ```
/// The book's `foo.bar()` with `foo` undefined: a JavaScript TypeError; in Rust, a panic.
fn foo_bar() {
    panic!("foo is not defined");
}

#[test]
fn ch3_an_exception_in_the_executor_rejects_the_promise() {
    let out = run(|log| {
        let p = Promise::<i32>::new(|r| {
            foo_bar();
            r.resolve(42);
            Ok(())
        });
        let (l1, l2) = (log.clone(), log.clone());
        p.then_both(
            move |v| {
                l1.log(format!("fulfilled {v}"));
                Ok(())
            },
            move |err| {
                l2.log(format!("rejected {err}"));
                Ok(())
            },
        );
    });
    assert_eq!(out, ["rejected panic: foo is not defined"]);
}

/// ```js
/// var p = new Promise( function(resolve,reject){ resolve( 42 ); } );
/// p.then( function fulfilled(msg){
///             foo.bar();
///             console.log( msg );  // never gets here :(
///         },
///         function rejected(err){ /* never gets here either :( */ } );
/// ```
/// "the `p.then(..)` call itself returns another promise, and it's *that* promise that will be
/// rejected with the `TypeError` exception."
#[test]
fn ch3_an_exception_in_a_handler_rejects_the_derived_promise_not_p() {
    let out = run(|log| {
        let p = Promise::<i32>::new(|r| {
            r.resolve(42);
            Ok(())
        });
        let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
        let derived: Promise<()> = p.then_both(
            move |msg| {
                foo_bar();
                l1.log(msg);
                Ok(())
            },
            move |_| {
                l2.log("rejected");
                Ok(())
            },
        );
        derived.catch(move |err| {
            l3.log(format!("derived: {err}"));
            Ok(())
        });
    });
    assert_eq!(out, ["derived: panic: foo is not defined"]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Trustable Promise?": thenables
// ---------------------------------------------------------------------------------------------

/// ```js
/// var p = { then: function(cb) { cb( 42 ); } };
/// ```
struct FortyTwo;

impl Thenable<i32, Error> for FortyTwo {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        resolvers.resolve(42);
        Ok(())
    }
}

/// ```js
/// var p = {
///     then: function(cb,errcb) {
///         cb( 42 );
///         errcb( "evil laugh" );
///     }
/// };
/// ```
/// It logs what it does, to show that it really does call both.
struct EvilLaugh(Log);

impl Thenable<i32, Error> for EvilLaugh {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        self.0.log("thenable: cb(42)");
        resolvers.resolve(42);
        self.0.log("thenable: errcb(\"evil laugh\")");
        resolvers.reject(Error::msg("evil laugh"));
        Ok(())
    }
}

/// Subscribes the book's two handlers and logs what reaches them.
fn listen(log: &Log, p: &Promise<i32>) {
    let (l1, l2) = (log.clone(), log.clone());
    p.then_both(
        move |val| {
            l1.log(val);
            Ok(())
        },
        move |err| {
            // "oops, shouldn't have run"
            l2.log(err);
            Ok(())
        },
    );
}

/// ```js
/// Promise.resolve( p )
/// .then( function fulfilled(val){ console.log( val ); },   // 42
///        function rejected(err){ /* never gets here */ } );
/// ```
#[test]
fn ch3_a_well_behaved_thenable_gives_42() {
    let out = run(|log| {
        let p: Promise<i32> = Promise::resolve(Resolution::thenable(FortyTwo));
        listen(&log, &p);
    });
    assert_eq!(out, ["42"]);
}

/// The "evil laugh" thenable through `Promise.resolve(p)`: "we get the normalized, safe result
/// we'd expect": 42, and the rejected handler never runs.
#[test]
fn ch3_the_evil_thenable_gives_42_and_no_evil_laugh() {
    let out = run(|log| {
        let p: Promise<i32> = Promise::resolve(Resolution::thenable(EvilLaugh(log.clone())));
        listen(&log, &p);
        log.log("sync code done");
    });
    // The thenable's `then` is called in a job (never synchronously), calls both callbacks, and
    // only the first call counts.
    assert_eq!(out, ["sync code done", "thenable: cb(42)", "thenable: errcb(\"evil laugh\")", "42"]);
}

/// "Calling too few or too many times": a thenable that resolves twice.
struct ResolvesTwice;

impl Thenable<i32, Error> for ResolvesTwice {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        resolvers.resolve(42);
        resolvers.resolve(43);
        Ok(())
    }
}

/// A thenable that fails (throws, or panics) after resolving.
struct FailsAfterResolving {
    panic: bool,
}

impl Thenable<i32, Error> for FailsAfterResolving {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        resolvers.resolve(42);
        if self.panic {
            panic!("thrown after resolving");
        }
        Err(Error::msg("thrown after resolving"))
    }
}

/// A thenable that fails before resolving: its error rejects the adopting promise.
struct FailsBeforeResolving;

impl Thenable<i32, Error> for FailsBeforeResolving {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        let _ = resolvers;
        Err(Error::msg("thrown before resolving"))
    }
}

/// A thenable that answers later, from a timer.
struct AnswersLater;

impl Thenable<i32, Error> for AnswersLater {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        Handle::current().set_timeout(ms(100), move || resolvers.resolve(42));
        Ok(())
    }
}

/// A thenable that resolves with another thenable: "it will try to unwrap that value, and the
/// unwrapping will keep going until a concrete final non-Promise-like value is extracted".
struct Nested(u32);

impl Thenable<i32, Error> for Nested {
    fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        match self.0 {
            0 => resolvers.resolve(42),
            n => resolvers.resolve(Resolution::thenable(Nested(n - 1))),
        }
        Ok(())
    }
}

/// A thenable that never calls back.
struct Never;

impl Thenable<i32, Error> for Never {
    fn then(&self, _resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
        Ok(())
    }
}

#[test]
fn ch3_misbehaving_thenables_are_normalized() {
    fn through(t: impl Thenable<i32, Error>) -> Vec<String> {
        run(move |log| {
            let p: Promise<i32> = Promise::resolve(Resolution::thenable(t));
            listen(&log, &p);
        })
    }
    // Resolving twice: only the first counts.
    assert_eq!(through(ResolvesTwice), ["42"]);
    // Throwing after resolving: ignored.
    assert_eq!(through(FailsAfterResolving { panic: false }), ["42"]);
    assert_eq!(through(FailsAfterResolving { panic: true }), ["42"]);
    // Throwing before resolving: the promise rejects with it.
    assert_eq!(through(FailsBeforeResolving), ["thrown before resolving"]);
    // Answering later is fine.
    assert_eq!(through(AnswersLater), ["42"]);
    // Thenables resolving with thenables are unwrapped all the way down.
    assert_eq!(through(Nested(3)), ["42"]);
}

/// A thenable that never calls back leaves the promise pending; the timeout race is the answer.
#[test]
fn ch3_a_thenable_that_never_calls_back_is_caught_by_the_timeout_race() {
    let out = run(|log| {
        let foo: Promise<i32> = Promise::resolve(Resolution::thenable(Never));
        let raced = Promise::race([foo.clone(), timeout_promise(3000)]);
        report(&log, &raced);
        let l = log.clone();
        Handle::current().set_timeout(ms(4000), move || l.at(format!("foo: {:?}", foo.state())));
    });
    assert_eq!(out, ["err: Timeout! @3000ms", format!("foo: {:?} @4000ms", PromiseState::Pending).as_str()]);
}

/// ```js
/// var p1 = Promise.resolve( 42 );
/// var p2 = Promise.resolve( p1 );
/// p1 === p2; // true
/// ```
#[test]
fn ch3_promise_resolve_of_a_promise_is_the_same_promise() {
    let el = EventLoop::new();
    let _g = el.enter();
    let p1 = Promise::<i32>::resolve(42);
    let p2: Promise<i32> = Promise::resolve(p1.clone());
    assert!(p1.ptr_eq(&p2));
}

/// Section 3.7:
/// ```js
/// var fulfilledTh = { then: function(cb) { cb( 42 ); } };
/// var rejectedTh = { then: function(cb,errCb) { errCb( "Oops" ); } };
/// var p1 = Promise.resolve( fulfilledTh );
/// var p2 = Promise.resolve( rejectedTh );
/// // `p1` will be a fulfilled promise
/// // `p2` will be a rejected promise
/// ```
#[test]
fn ch3_promise_resolve_adopts_fulfilled_and_rejected_thenables() {
    struct RejectedTh;
    impl Thenable<i32, Error> for RejectedTh {
        fn then(&self, resolvers: Resolvers<i32, Error>) -> Result<(), Error> {
            resolvers.reject(Error::msg("Oops"));
            Ok(())
        }
    }
    let log = Log::default();
    let el = book_loop(&log);
    let _g = el.enter();
    let p1: Promise<i32> = Promise::resolve(Resolution::thenable(FortyTwo));
    let p2: Promise<i32> = Promise::resolve(Resolution::thenable(RejectedTh));
    listen(&log, &p2);
    drop(_g);
    el.run().unwrap();
    assert_eq!(p1.result().unwrap().unwrap(), 42);
    assert_eq!(p2.result().unwrap().unwrap_err(), Error::msg("Oops"));
    assert_eq!(log.lines(), ["Oops"]);
}

/// Section 3.4, "Terminology":
/// ```js
/// var rejectedPr = new Promise( function(resolve,reject){
///     // resolve this promise with a rejected promise
///     resolve( Promise.reject( "Oops" ) );
/// } );
/// rejectedPr.then( function fulfilled(){ /* never gets here */ },
///                  function rejected(err){ console.log( err ); } );   // "Oops"
/// ```
#[test]
fn ch3_resolve_with_a_rejected_promise_rejects() {
    let out = run(|log| {
        let rejected_pr = Promise::<i32>::new(|r| {
            r.resolve(Promise::reject(Error::msg("Oops")));
            Ok(())
        });
        listen(&log, &rejected_pr);
    });
    assert_eq!(out, ["Oops"]);
}

// ---------------------------------------------------------------------------------------------
// Promise.all / Promise.race with timers ("ES6 & Beyond" chapter 4; chapter 3, section 3.6)
// ---------------------------------------------------------------------------------------------

/// ```js
/// var p1 = Promise.resolve( 42 );
/// var p2 = new Promise( function pr(resolve){ setTimeout( function(){ resolve( 43 ); }, 100 ); } );
/// var v3 = 44;
/// var p4 = new Promise( function pr(resolve,reject){ setTimeout( function(){ reject( "Oops" ); }, 10 ); } );
/// ```
/// `v3` is a plain value among promises: `Resolution::Value`. Each is made only where used, so
/// that an unused `p4` does not become an unhandled rejection.
fn p1() -> Promise<i32> {
    Promise::resolve(42)
}

fn p2() -> Promise<i32> {
    later(100, Ok(43))
}

fn v3() -> Resolution<i32, Error> {
    Resolution::Value(44)
}

fn p4() -> Promise<i32> {
    later(10, Err(Error::msg("Oops")))
}

/// ```js
/// Promise.all( [p1,p2,v3] )
/// .then( function fulfilled(vals){ console.log( vals ); } );          // [42,43,44]
///
/// Promise.all( [p1,p2,v3,p4] )
/// .then( function fulfilled(vals){ /* never gets here */ },
///        function rejected(reason){ console.log( reason ); } );       // Oops
/// ```
#[test]
fn all_of_p1_p2_v3_is_42_43_44_and_with_p4_oops() {
    let out = run(|log| {
        let (p1, p2, p4) = (p1(), p2(), p4());
        let l = log.clone();
        <Promise<i32> as PromiseStatics<_, _, _>>::all::<Vec<i32>, _>([
            Resolution::Promise(p1.clone()),
            Resolution::Promise(p2.clone()),
            v3(),
        ])
        .then(move |vals| {
            l.at(format!("{vals:?}"));
            Ok(())
        });
        let (l1, l2) = (log.clone(), log.clone());
        Promise::<i32>::all([p1, p2, Promise::resolve(v3()), p4]).then_both(
            move |vals| {
                l1.at(format!("never gets here {vals:?}"));
                Ok(())
            },
            move |reason| {
                l2.at(reason);
                Ok(())
            },
        );
    });
    // `all` rejects as soon as p4 does (10 ms), and fulfills once p2 does (100 ms).
    assert_eq!(out, ["Oops @10ms", "[42, 43, 44] @100ms"]);
}

/// ```js
/// // NOTE: re-setup all test values to avoid timing issues misleading you!
/// Promise.race( [p2,p1,v3] )
/// .then( function fulfilled(val){ console.log( val ); } );            // 42
///
/// Promise.race( [p2,p4] )
/// .then( function fulfilled(val){ /* never gets here */ },
///        function rejected(reason){ console.log( reason ); } );       // Oops
/// ```
#[test]
fn race_of_p2_p1_v3_is_42_and_of_p2_p4_oops() {
    let out = run(|log| {
        let l = log.clone();
        <Promise<i32> as PromiseStatics<_, _, _>>::race([
            Resolution::Promise(p2()),
            Resolution::Promise(p1()),
            v3(),
        ])
        .then(move |val| {
            l.at(val);
            Ok(())
        });
    });
    assert_eq!(out, ["42 @0ms"]);

    let out = run(|log| {
        let (l1, l2) = (log.clone(), log.clone());
        Promise::<i32>::race([p2(), p4()]).then_both(
            move |val| {
                l1.at(format!("never gets here {val}"));
                Ok(())
            },
            move |reason| {
                l2.at(reason);
                Ok(())
            },
        );
    });
    assert_eq!(out, ["Oops @10ms"]);
}

/// Chapter 3's mixed-type values: `42` and `"Hello World"`.
#[derive(Clone, Debug, PartialEq)]
enum Js {
    Num(i32),
    Str(String),
}

/// Section 3.7:
/// ```js
/// var p1 = Promise.resolve( 42 );
/// var p2 = Promise.resolve( "Hello World" );
/// var p3 = Promise.reject( "Oops" );
/// Promise.race( [p1,p2,p3] ).then( function(msg){ console.log( msg ); } );     // 42
/// Promise.all( [p1,p2,p3] ).catch( function(err){ console.error( err ); } );   // "Oops"
/// Promise.all( [p1,p2] ).then( function(msgs){ console.log( msgs ); } );       // [42,"Hello World"]
/// ```
#[test]
fn ch3_race_all_and_all_of_p1_p2() {
    let out = run(|log| {
        let p1 = Promise::<Js>::resolve(Js::Num(42));
        let p2 = Promise::<Js>::resolve(Js::Str("Hello World".into()));
        let p3 = Promise::<Js>::reject(Error::msg("Oops"));
        let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
        Promise::<Js>::race([p1.clone(), p2.clone(), p3.clone()]).then(move |msg| {
            l1.log(format!("{msg:?}"));
            Ok(())
        });
        Promise::<Js>::all([p1.clone(), p2.clone(), p3]).catch(move |err| {
            l2.log(err);
            Ok(vec![])
        });
        Promise::<Js>::all([p1, p2]).then(move |msgs| {
            l3.log(format!("{msgs:?}"));
            Ok(())
        });
    });
    assert_eq!(out, ["Num(42)", "Oops", r#"[Num(42), Str("Hello World")]"#]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Finally": cleanup and Promise.observe
// ---------------------------------------------------------------------------------------------

/// ```js
/// var p = Promise.resolve( 42 );
/// p.then( something )
/// .finally( cleanup )
/// .then( another )
/// .finally( cleanup );
/// ```
/// (ES2018 made `finally` real.) Values pass through `finally` untouched.
#[test]
fn ch3_finally_runs_cleanup_after_each_step() {
    let out = run(|log| {
        let p = Promise::<i32>::resolve(42);
        let (l1, l2, l3, l4) = (log.clone(), log.clone(), log.clone(), log.clone());
        p.then(move |v| {
            l1.log(format!("something({v})"));
            Ok(v + 1)
        })
        .finally(move || {
            l2.log("cleanup");
            Ok(())
        })
        .then(move |v| {
            l3.log(format!("another({v})"));
            Ok(v)
        })
        .finally(move || {
            l4.log("cleanup");
            Ok(())
        });
    });
    assert_eq!(out, ["something(42)", "cleanup", "another(43)", "cleanup"]);
}

/// ```js
/// Promise.race( [
///     Promise.observe(
///         foo(),                  // attempt `foo()`
///         function cleanup(msg){
///             // clean up after `foo()`, even if it
///             // didn't finish before the timeout
///         }
///     ),
///     timeoutPromise( 3000 )      // give it 3 seconds
/// ] )
/// ```
#[test]
fn ch3_observe_cleans_up_after_foo_even_when_it_timed_out() {
    let out = run(|log| {
        let l = log.clone();
        let foo = observe(later(5000, Ok(42)), move |msg| {
            l.at(format!("cleanup({msg:?})"));
            Ok(())
        });
        let raced = Promise::race([foo, timeout_promise(3000)]);
        report(&log, &raced);
    });
    assert_eq!(out, ["err: Timeout! @3000ms", "cleanup(Ok(42)) @5000ms"]);

    // Settled in time (here: rejected): observe's reaction was registered on foo() before the
    // race's, so the cleanup job is queued before the race's handler job (checked in Node 20:
    // "cleanup Oops" then "err Oops").
    let out = run(|log| {
        let l = log.clone();
        let foo = observe(later(1000, Err(Error::msg("Oops"))), move |msg| {
            l.at(format!("cleanup({msg:?})"));
            Ok(())
        });
        report(&log, &Promise::race([foo, timeout_promise(3000)]));
    });
    assert_eq!(out, [r#"cleanup(Err(Message("Oops"))) @1000ms"#, "err: Oops @1000ms"]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Variations on all([ .. ]) and race([ .. ])"
// ---------------------------------------------------------------------------------------------

/// Three promises: "slow" fulfills at 20 ms, "fast" at 10 ms, and one rejects at 5 ms.
fn contestants() -> [Promise<&'static str>; 3] {
    [later(20, Ok("slow")), later(10, Ok("fast")), later(5, Err(Error::msg("Oops")))]
}

/// "`first([ .. ])` is like a race with `any([ .. ])`, in that it ignores any rejections and
/// fulfills as soon as the first promise fulfills."
#[test]
fn ch3_first_ignores_rejections_and_takes_the_first_fulfillment() {
    let out = run(|log| {
        let l = log.clone();
        first(contestants()).then(move |v| {
            l.at(format!("first: {v}"));
            Ok(())
        });
    });
    assert_eq!(out, ["first: fast @10ms"]);
}

/// "`last([ .. ])` is like `first([ .. ])`, but only the latest fulfillment wins."
#[test]
fn ch3_last_takes_the_latest_fulfillment() {
    let out = run(|log| {
        let l = log.clone();
        last(contestants()).then(move |v| {
            l.at(format!("last: {v}"));
            Ok(())
        });
    });
    assert_eq!(out, ["last: slow @20ms"]);
}

/// "`none([ .. ])` is like `all([ .. ])`, but fulfillments and rejections are transposed. All
/// promises need to be rejected -- rejections become the fulfillment values and vice versa."
#[test]
fn ch3_none_transposes_fulfillment_and_rejection() {
    let out = run(|log| {
        let (l1, l2) = (log.clone(), log.clone());
        none(contestants()).then_both(
            move |reasons| {
                l1.at(format!("never gets here {reasons:?}"));
                Ok(())
            },
            move |value| {
                l2.at(format!("none rejected with: {value}"));
                Ok(())
            },
        );
    });
    assert_eq!(out, ["none rejected with: fast @10ms"]);

    let out = run(|log| {
        let l = log.clone();
        none([later::<&str>(20, Err(Error::msg("a"))), later(10, Err(Error::msg("b")))]).then(
            move |reasons| {
                l.at(format!("none: {reasons:?}"));
                Ok(())
            },
        );
    });
    assert_eq!(out, [r#"none: [Message("a"), Message("b")] @20ms"#]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Concurrent Iterations": Promise.map
// ---------------------------------------------------------------------------------------------

/// ```js
/// var p1 = Promise.resolve( 21 );
/// var p2 = Promise.resolve( 42 );
/// var p3 = Promise.reject( "Oops" );
/// // double values in list even if they're in Promises
/// Promise.map( [p1,p2,p3], function(pr,done){
///     // make sure the item itself is a Promise
///     Promise.resolve( pr )
///     .then(
///         // extract value as `v`
///         function(v){
///             // map fulfillment `v` to new value
///             done( v * 2 );
///         },
///         // or, map to promise rejection message
///         done
///     );
/// } )
/// .then( function(vals){
///     console.log( vals );    // [42,84,"Oops"]
/// } );
/// ```
#[test]
fn ch3_map_doubles_values_even_in_promises_42_84_oops() {
    let out = run(|log| {
        let p1 = Promise::<i32>::resolve(21);
        let p2 = Promise::<i32>::resolve(42);
        let p3 = Promise::<i32>::reject(Error::msg("Oops"));
        let l = log.clone();
        let mapped: Promise<Vec<Js>> = map([p1, p2, p3], |pr: Promise<i32>, done: Resolvers<Js>| {
            let on_reject = done.clone();
            let _: Promise<()> = Promise::<i32>::resolve(pr).then_both(
                move |v| {
                    done.resolve(Js::Num(v * 2));
                    Ok(())
                },
                move |err: Error| {
                    on_reject.resolve(Js::Str(err.to_string()));
                    Ok(())
                },
            );
            Ok(())
        });
        mapped.then(move |vals| {
            l.log(format!("{vals:?}"));
            Ok(())
        });
    });
    assert_eq!(out, [r#"[Num(42), Num(84), Str("Oops")]"#]);
}

// ---------------------------------------------------------------------------------------------
// Chapter 3, "Promise Limitations": Promise.wrap, the promisory
// ---------------------------------------------------------------------------------------------

/// A callback-style `ajax(url, cb)`, answering after 50 ms: error-first, as in the book.
fn ajax(url: String, cb: Box<dyn FnOnce(Result<String, Error>)>) {
    Handle::current().set_timeout(ms(50), move || {
        if url.starts_with("http://") {
            cb(Ok(format!("text of {url}")))
        } else {
            cb(Err(Error::msg(format!("bad url {url}"))))
        }
    });
}

/// ```js
/// // make a promisory for `ajax(..)`
/// var request = Promise.wrap( ajax );
///
/// // refactor `foo(..)`, but keep it externally callback-based for compatibility with other
/// // parts of the code for now -- only use `request(..)`'s promise internally.
/// function foo(x,y,cb) {
///     request( "http://some.url.1/?x=" + x + "&y=" + y )
///     .then( function fulfilled(text){ cb( null, text ); }, cb );
/// }
///
/// // now, for this code's purposes, make a promisory for `foo(..)`
/// var betterFoo = Promise.wrap( foo );
///
/// // and use the promisory
/// betterFoo( 11, 31 )
/// .then( function fulfilled(text){ console.log( text ); },
///        function rejected(err){ console.error( err ); } );
/// ```
#[test]
fn ch3_promise_wrap_makes_promisories() {
    let out = run(|log| {
        let request = Rc::new(promisify(ajax));
        let req = request.clone();
        let foo = move |(x, y): (i32, i32), cb: Box<dyn FnOnce(Result<String, Error>)>| {
            let cb = Rc::new(Cell::new(Some(cb)));
            let on_reject = cb.clone();
            let _: Promise<()> = req(format!("http://some.url.1/?x={x}&y={y}")).then_both(
                move |text| {
                    if let Some(cb) = cb.take() {
                        cb(Ok(text));
                    }
                    Ok(())
                },
                move |err| {
                    if let Some(cb) = on_reject.take() {
                        cb(Err(err));
                    }
                    Ok(())
                },
            );
        };
        let better_foo = promisify(foo);
        let (l1, l2) = (log.clone(), log.clone());
        better_foo((11, 31)).then_both(
            move |text| {
                l1.at(text);
                Ok(())
            },
            move |err| {
                l2.at(err);
                Ok(())
            },
        );
        let l = log.clone();
        request("ftp://nope".to_string()).catch(move |err| {
            l.at(err);
            Ok(String::new())
        });
    });
    // Both timers are due at 50 ms; the first (betterFoo's inner request) fires first, and the
    // whole chain back to betterFoo's promise runs in that timer task's checkpoint (same order
    // in Node 20).
    assert_eq!(out, ["text of http://some.url.1/?x=11&y=31 @50ms", "bad url ftp://nope @50ms"]);
}
