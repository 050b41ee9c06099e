// Chapter 3, "Trust": reactions on one promise run in registration order; one
// registered while they run goes to the back of the Job queue.
var p = Promise.resolve();

p.then( function(){
	p.then( function(){
		console.log( "C" );
	} );
	console.log( "A" );
} );
p.then( function(){
	console.log( "B" );
} );
// A B C
