#!/bin/sh
# Peak RSS of settle-js against Node on issue 13's memory cases (docs/benchmarks.md, "settle-js
# at scale"): each script runs once in its own process under /usr/bin/time.
#
#   cargo build --release -p settle && sh benches/js_memory.sh
set -e
SETTLE=${SETTLE:-target/release/settle}
DIR=${TMPDIR:-/tmp}/settle-js-memory
mkdir -p "$DIR"
value() { # name, expression: 1 000 000 of them kept in an array
    printf 'const a = [];\nfor (let i = 0; i < 1000000; i++) a.push(%s);\nconsole.log(a.length);\n' "$2" > "$DIR/$1.js"
}
value number '0'
value object '{}'
value resolved 'Promise.resolve()'
value pending 'new Promise(() => {})'
value closure '() => {}'
# The 50 MB script: `var valueN = a1 + b1;` 1 803 625 times.
awk 'BEGIN { print "var a1 = 1, b1 = 2;"; for (i = 0; i < 1803625; i++) printf "var value%d = a1 + b1;\n", i; print "console.log(value0);" }' > "$DIR/big.js"
# Node runs a file as a CommonJS function, whose frame holds every `var`: with 1 803 625 of them
# it needs a bigger stack than its default (else RangeError: Maximum call stack size exceeded,
# at about the same peak RSS).
for case in number object resolved pending closure big; do
    s=$(/usr/bin/time -f '%e s %M KB exit %x' "$SETTLE" "$DIR/$case.js" 2>&1 >/dev/null | tail -1)
    if [ "$case" = big ]; then
        n=$( (ulimit -s unlimited; /usr/bin/time -f '%e s %M KB exit %x' node --stack-size=500000 "$DIR/$case.js") 2>&1 >/dev/null | tail -1)
    else
        n=$(/usr/bin/time -f '%e s %M KB exit %x' node "$DIR/$case.js" 2>&1 >/dev/null | tail -1)
    fi
    echo "$case: settle $s, node $n"
done
