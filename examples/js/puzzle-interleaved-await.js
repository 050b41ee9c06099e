// Two async functions awaiting in turn, against a then(..) chain: each await on a
// native promise costs exactly one Job, a returned promise two more.
async function a() {
	console.log( "a1" );
	await null;
	console.log( "a2" );
	await null;
	console.log( "a3" );
}

async function b() {
	console.log( "b1" );
	await Promise.resolve();
	console.log( "b2" );
	await { then: function(r){ r(); } };	// a thenable costs one more Job
	console.log( "b3" );
}

async function c() {
	return Promise.resolve( "c" );			// adopting a promise: two more Jobs
}

a();
b();
c().then( function(v){ console.log( "c resolved with", v ); } );

Promise.resolve()
	.then( function(){ console.log( "then 1" ); } )
	.then( function(){ console.log( "then 2" ); } )
	.then( function(){ console.log( "then 3" ); } )
	.then( function(){ console.log( "then 4" ); } );

process.nextTick( function(){ console.log( "nextTick runs before every promise Job" ); } );
console.log( "sync end" );
