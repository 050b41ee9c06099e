// Chapter 4, "Generator Delegation": `yield *foo()` hands the iteration control to another
// iterator (a generator or any iterable); messages, errors, asynchrony (through run(..)) and
// recursion are delegated too. Each snippet as the book gives it, with its comments; the
// Ajax `request(..)` is a timer, as in ch4-generator-promises.js.
function request(url) {
	return new Promise( function(resolve,reject){
		setTimeout( function(){
			if (url.indexOf( "bad" ) >= 0) reject( "bad url: " + url );
			else { console.log( "response:", url ); resolve( "[" + url + "]" ); }
		}, 10 );
	} );
}

function run(gen) {
	var args = [].slice.call( arguments, 1), it;

	// initialize the generator in the current context
	it = gen.apply( this, args );

	// return a promise for the generator completing
	return Promise.resolve()
		.then( function handleNext(value){
			// run to the next yielded value
			var next = it.next( value );

			return (function handleResult(next){
				// generator has completed running?
				if (next.done) {
					return next.value;
				}
				// otherwise keep going
				else {
					return Promise.resolve( next.value )
						.then(
							// resume the async loop on
							// success, sending the resolved
							// value back into the generator
							handleNext,

							// if `value` is a rejected
							// promise, propagate error back
							// into the generator for its own
							// error handling
							function handleErr(err) {
								return Promise.resolve(
									it.throw( err )
								)
								.then( handleResult );
							}
						);
				}
			})(next);
		} );
}

(function simpleDelegation() {
	function *foo() {
		console.log( "`*foo()` starting" );
		yield 3;
		yield 4;
		console.log( "`*foo()` finished" );
	}

	function *bar() {
		yield 1;
		yield 2;
		yield *foo();	// `yield`-delegation!
		yield 5;
	}

	var it = bar();

	console.log( it.next().value );	// 1
	console.log( it.next().value );	// 2
	console.log( it.next().value );	// `*foo()` starting
					// 3
	console.log( it.next().value );	// 4
	console.log( it.next().value );	// `*foo()` finished
					// 5
})();

(function delegatingMessages() {
	function *foo() {
		console.log( "inside `*foo()`:", yield "B" );

		console.log( "inside `*foo()`:", yield "C" );

		return "D";
	}

	function *bar() {
		console.log( "inside `*bar()`:", yield "A" );

		// `yield`-delegation!
		console.log( "inside `*bar()`:", yield *foo() );

		console.log( "inside `*bar()`:", yield "E" );

		return "F";
	}

	var it = bar();

	console.log( "outside:", it.next().value );
	// outside: A

	console.log( "outside:", it.next( 1 ).value );
	// inside `*bar()`: 1
	// outside: B

	console.log( "outside:", it.next( 2 ).value );
	// inside `*foo()`: 2
	// outside: C

	console.log( "outside:", it.next( 3 ).value );
	// inside `*foo()`: 3
	// inside `*bar()`: D
	// outside: E

	console.log( "outside:", it.next( 4 ).value );
	// inside `*bar()`: 4
	// outside: F
})();

(function delegatingToAnIterable() {
	function *bar() {
		console.log( "inside `*bar()`:", yield "A" );

		// `yield`-delegation to a non-generator
		console.log( "inside `*bar()`:", yield *[ "B", "C", "D" ] );

		console.log( "inside `*bar()`:", yield "E" );

		return "F";
	}

	var it = bar();

	console.log( "outside:", it.next().value );
	// outside: A

	console.log( "outside:", it.next( 1 ).value );
	// inside `*bar()`: 1
	// outside: B

	console.log( "outside:", it.next( 2 ).value );
	// outside: C

	console.log( "outside:", it.next( 3 ).value );
	// outside: D

	console.log( "outside:", it.next( 4 ).value );
	// inside `*bar()`: undefined
	// outside: E

	console.log( "outside:", it.next( 5 ).value );
	// inside `*bar()`: 5
	// outside: F
})();

(function exceptionsDelegateToo() {
	function *foo() {
		try {
			yield "B";
		}
		catch (err) {
			console.log( "error caught inside `*foo()`:", err );
		}

		yield "C";

		throw "D";
	}

	function *bar() {
		yield "A";

		try {
			yield *foo();
		}
		catch (err) {
			console.log( "error caught inside `*bar()`:", err );
		}

		yield "E";

		yield *baz();

		// note: can't get here!
		yield "G";
	}

	function *baz() {
		throw "F";
	}

	var it = bar();

	console.log( "outside:", it.next().value );
	// outside: A

	console.log( "outside:", it.next( 1 ).value );
	// outside: B

	console.log( "outside:", it.throw( 2 ).value );
	// error caught inside `*foo()`: 2
	// outside: C

	console.log( "outside:", it.next( 3 ).value );
	// error caught inside `*bar()`: D
	// outside: E

	try {
		console.log( "outside:", it.next( 4 ).value );
	}
	catch (err) {
		console.log( "error caught outside:", err );
	}
	// error caught outside: F

	console.log( "after:", it.next( 5 ).value );
	// after: undefined
})();

// Delegating asynchrony, then recursive delegation, one after the other.
function *foo() {
	var r2 = yield request( "http://some.url.2" );
	var r3 = yield request( "http://some.url.3/?v=" + r2 );

	return r3;
}

function *bar() {
	var r1 = yield request( "http://some.url.1" );

	var r3 = yield *foo();

	console.log( r3 );
}

function *fooRecursive(val) {
	if (val > 1) {
		// recursive delegation
		val = yield *fooRecursive( val - 1 );
	}

	return yield request( "http://some.url/?v=" + val );
}

function *barRecursive() {
	var r1 = yield *fooRecursive( 3 );
	console.log( r1 );
}

run( bar ).then( function(){
	return run( barRecursive );
} );
