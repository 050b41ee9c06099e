// Chapter 3, "Promise Patterns" and "Promise API Recap": all([..]) is a gate,
// race([..]) a latch; with a timeout for race.
function request(url, delay) {
	return new Promise( function(resolve,reject){
		setTimeout( function(){ resolve( url.slice( -2, -1 ) ); }, delay );
	} );
}

var p1 = request( "http://some.url.1/", 200 );
var p2 = request( "http://some.url.2/", 100 );

Promise.all( [p1,p2] )
.then( function(msgs){
	// both `p1` and `p2` fulfill and pass in
	// their messages here
	return request(
		"http://some.url.3/?v=" + msgs.join(","), 100
	);
} )
.then( function(msg){
	console.log( "all:", msg );
} );

Promise.race( [p1,p2] )
.then( function(msg){
	// either `p1` or `p2` will win the race
	console.log( "race winner:", msg );
} );

// a utility for timing out a Promise
function timeoutPromise(delay) {
	return new Promise( function(resolve,reject){
		setTimeout( function(){
			reject( "Timeout!" );
		}, delay );
	} );
}

Promise.race( [
	request( "http://some.url.4/", 1000 ),	// attempt `foo()`
	timeoutPromise( 500 )	// give it 500ms
] )
.then(
	function(){
		// `foo(..)` fulfilled in time!
	},
	function(err){
		// either `foo()` rejected, or it just
		// didn't finish in time, so inspect
		// `err` to know which
		console.log( err );
	}
);

var q1 = Promise.resolve( 42 );
var q2 = Promise.resolve( "Hello World" );
var q3 = Promise.reject( "Oops" );

Promise.race( [q1,q2,q3] )
.then( function(msg){
	console.log( msg );		// 42
} );

Promise.all( [q1,q2,q3] )
.catch( function(err){
	console.error( err );	// "Oops"
} );

Promise.all( [q1,q2] )
.then( function(msgs){
	console.log( msgs );	// [42,"Hello World"]
} );
