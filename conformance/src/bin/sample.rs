//! Prints generated programs, or how often each construct appears in them: to see what the
//! generator makes from a seed (the harness's programs are the same for the same seed).
//!
//!     cargo run -p settle-conformance --bin sample -- [--stats] [COUNT] [SEED]

use settle_conformance::harness::programs;

/// Constructs counted by `--stats`: (name, text that marks it in a printed program).
const CONSTRUCTS: &[(&str, &str)] = &[
    ("async function*", "async function* ()"),
    ("function* (sync)", "(function* ()"),
    ("for await", "for await ("),
    ("yield", "(yield "),
    ("yield*", "(yield* "),
    ("break", ") break;"),
    (".next()", ".next("),
    (".return()", ".return("),
    (".throw()", ".throw("),
    ("new Promise", "new Promise("),
    ("async arrow", "async () =>"),
    (".then", ".then("),
    ("combinator", "Promise.all"),
    ("setTimeout", "setTimeout("),
    ("thenable", "tag: \"T"),
];

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let stats = args.first().is_some_and(|a| a == "--stats");
    if stats {
        args.remove(0);
    }
    let number = |i: usize, default: u64| -> u64 {
        args.get(i).map_or(default, |a| {
            let parsed = match a.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => a.parse(),
            };
            parsed.unwrap_or_else(|_| {
                eprintln!("sample: {a:?} is not a number");
                std::process::exit(2)
            })
        })
    };
    let count = usize::try_from(number(0, if stats { 2000 } else { 5 })).unwrap_or(usize::MAX);
    let seed = number(1, 0x5e77_1e00_c0de);
    let sources = programs(seed, count);
    if !stats {
        for (i, src) in sources.iter().enumerate() {
            println!("// ----- program {i}\n{src}");
        }
        return;
    }
    println!("{count} programs, seed {seed:#x}: programs containing each construct");
    for (name, mark) in CONSTRUCTS {
        let n = sources.iter().filter(|s| s.contains(mark)).count();
        println!("{name:>18} {n:>6} ({:.0}%)", 100.0 * n as f64 / count.max(1) as f64);
    }
}
