// Chapter 4, "Generators + Promises" (and ES6 & Beyond, "Generators + Promises"): a
// generator yields promises, and run(..) resumes it with each fulfillment, or throws
// the rejection back into it.
function request(url) {
	return new Promise( function(resolve,reject){
		setTimeout( function(){
			if (url.indexOf( "bad" ) >= 0) reject( "bad url: " + url );
			else resolve( "[" + url + "]" );
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

function *main() {
	try {
		var ret = yield request( "http://bad.url/1" );
	}
	catch (err) {
		console.log( "step 1 failed:", err );
		ret = yield request( "http://backup.url/1" );
	}

	ret = yield request( "http://some.url/2?v=" + ret );

	// step 3: in parallel
	ret = yield Promise.all( [
		request( "http://some.url/3a" ),
		request( "http://some.url/3b" ),
		request( "http://some.url/3c" )
	] );

	console.log( ret );
	return "main finished";
}

run( main )
.then(
	function fulfilled(v){
		// `*main()` completed successfully
		console.log( v );
	},
	function rejected(reason){
		// Oops, something went wrong
		console.log( "rejected:", reason );
	}
);
