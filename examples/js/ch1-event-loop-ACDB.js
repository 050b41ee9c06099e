// Chapter 1, "Jobs": a Job (here queueMicrotask, the book's theoretical schedule(..))
// runs at the end of the current tick, before the next event-loop task (the timer).
console.log( "A" );

setTimeout( function(){
	console.log( "B" );
}, 0 );

queueMicrotask( function(){
	console.log( "C" );

	queueMicrotask( function(){
		console.log( "D" );
	} );
} );
// A C D B
