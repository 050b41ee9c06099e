//! Runs examples/tokio_host.rs (issue 11, item 3) and checks what does not depend on timing:
//! settle's lines in their order, tokio's ticker served while settle worked (its first tick
//! comes before the worker's result, which waited for it), and the ticker's ticks numbered in
//! order.

#[allow(dead_code)]
#[path = "../examples/tokio_host.rs"]
mod example;

#[test]
fn tokio_keeps_serving_its_ticker_while_settle_runs_promise_work() {
    let lines = example::run();
    let settle: Vec<&str> = lines.iter().filter(|l| l.starts_with("settle:")).map(String::as_str).collect();
    assert_eq!(
        settle,
        [
            "settle: started",
            "settle: timer of 10 ms fired",
            "settle: the worker computed 10! = 3628800",
            "settle: Promise.all of two timers gave [3, 1]",
            "settle: loop finished",
        ]
    );
    let position = |line: &str| lines.iter().position(|l| l == line).unwrap();
    assert!(position("tokio: tick 1") < position("settle: the worker computed 10! = 3628800"));
    assert_eq!(lines.last().map(String::as_str), Some("tokio: ticker stopped"));
    let ticks: Vec<&String> = lines.iter().filter(|l| l.starts_with("tokio: tick ")).collect();
    for (n, tick) in ticks.iter().enumerate() {
        assert_eq!(**tick, format!("tokio: tick {}", n + 1));
    }
}
