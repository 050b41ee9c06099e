// Chapter 2, "Trust Issues": timeoutify(..) guards a callback that might never be
// called, asyncify(..) one that might be called synchronously ("Zalgo").
function timeoutify(fn,delay) {
	var intv = setTimeout( function(){
			intv = null;
			fn( new Error( "Timeout!" ) );
		}, delay )
	;

	return function() {
		// timeout hasn't happened yet?
		if (intv) {
			clearTimeout( intv );
			fn.apply( this, [ null ].concat( [].slice.call( arguments ) ) );
		}
	};
}

function foo(err,data) {
	if (err) {
		console.error( err.message );
	}
	else {
		console.log( data );
	}
}

function ajax(url, cb, delay) {
	setTimeout( function(){ cb( "response from " + url ); }, delay );
}

ajax( "http://some.url.1", timeoutify( foo, 500 ), 100 );

function asyncify(fn) {
	var orig_fn = fn,
		intv = setTimeout( function(){
			intv = null;
			if (fn) fn();
		}, 0 )
	;

	fn = null;

	return function() {
		// firing too quickly, before `intv` timer has fired to
		// indicate async turn has passed?
		if (intv) {
			fn = orig_fn.bind.apply(
				orig_fn,
				// add the wrapper's `this` to the `bind(..)`
				// call parameters, as well as currying any
				// passed in parameters
				[this].concat( [].slice.call( arguments ) )
			);
		}
		// already async
		else {
			// invoke original function
			orig_fn.apply( this, arguments );
		}
	};
}

function result(data) {
	console.log( a );
}

var a = 0;

// a pre-cached "ajax" that calls back synchronously
function cachedAjax(url, cb) { cb( "cached" ); }

cachedAjax( "..pre-cached-url..", asyncify( result ) );
a++;
