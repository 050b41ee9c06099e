// finally(..) passes the value through, but costs two extra Jobs compared with
// then(..): watch it fall behind a plain chain started at the same time.
Promise.resolve( "value" )
	.finally( function(){ console.log( "finally runs (tick 1)" ); } )
	.then( function(v){ console.log( "after finally:", v, "(tick 4)" ); } );

Promise.resolve()
	.then( function(){ console.log( "tick 1" ); } )
	.then( function(){ console.log( "tick 2" ); } )
	.then( function(){ console.log( "tick 3" ); } )
	.then( function(){ console.log( "tick 4" ); } )
	.then( function(){ console.log( "tick 5" ); } );

Promise.reject( new Error( "boom" ) )
	.finally( function(){ console.log( "finally on a rejection" ); } )
	.catch( function(e){ console.log( "caught after finally:", e.message ); } );

// A finally handler that returns a promise is awaited, and a throw replaces the outcome.
Promise.resolve( 1 )
	.finally( function(){
		return new Promise( function(resolve){ setTimeout( resolve, 10 ); } );
	} )
	.then( function(v){ console.log( "waited for finally's promise:", v ); } );
Promise.resolve( 1 )
	.finally( function(){ throw new Error( "finally failed" ); } )
	.catch( function(e){ console.log( e.message ); } );
