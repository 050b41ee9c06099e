// Chapter 4, "Breaking Run-to-Completion" and "Input and Output": a generator pauses at
// each yield, and messages go both ways through next(..).
var x = 1;

function *foo() {
	x++;
	yield; // pause!
	console.log( "x:", x );
}

function bar() {
	x++;
}

// construct an iterator `it` to control the generator
var it = foo();

// start `foo()` here!
it.next();
console.log( x );		// 2
bar();
console.log( x );		// 3
it.next();				// x: 3

function *foo2(x) {
	var y = x * (yield "Hello");	// <-- yield a value!
	return y;
}

var it2 = foo2( 6 );

var res = it2.next();	// first `next()`, don't pass anything
console.log( res.value );	// "Hello"

res = it2.next( 7 );		// pass `7` to waiting `yield`
console.log( res.value );	// 42
console.log( res );		// { value: 42, done: true }

// Multiple iterators of one generator, interleaved.
function *foo3() {
	var x = yield 2;
	z++;
	var y = yield (x * z);
	console.log( x, y, z );
}

var z = 1;

var it1 = foo3();
var it3 = foo3();

var val1 = it1.next().value;			// 2 <-- yield 2
var val2 = it3.next().value;			// 2 <-- yield 2

val1 = it1.next( val2 * 10 ).value;		// 40  <-- x:20,  z:2
val2 = it3.next( val1 * 5 ).value;		// 600 <-- x:200, z:3

it1.next( val2 / 2 );					// y:300
										// 20 300 3
it3.next( val1 / 4 );					// y:10
										// 200 10 3
