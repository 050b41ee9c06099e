// Chapter 4, "Breaking Run-to-Completion": a normal function runs to completion;
// an async function pauses at await and lets other code run in between.
var x = 1;

function foo() {
	x++;
	bar();				// <-- what about this line?
	console.log( "x:", x );
}

function bar() {
	x++;
}

foo();					// x: 3

async function foo2() {
	x++;
	await null;			// pause!
	console.log( "x:", x );
}

var p = foo2();			// x is now 4
bar();					// x is now 5, before foo2() resumes
p.then( function(){ console.log( "done" ); } ); // x: 5, done
