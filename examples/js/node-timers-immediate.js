// Node's queues: process.nextTick before promise Jobs, timers in deadline order,
// setImmediate after the current timers, setInterval until cleared.
setTimeout( function(){
	console.log( "timeout 1" );
	setImmediate( function(){ console.log( "immediate (from a timer)" ); } );
	setTimeout( function(){ console.log( "timeout 3 (0ms, from a timer)" ); }, 0 );
	process.nextTick( function(){ console.log( "nextTick (from a timer)" ); } );
	Promise.resolve().then( function(){ console.log( "promise (from a timer)" ); } );
}, 0 );

setTimeout( function(){ console.log( "timeout 2 (200ms)" ); }, 200 );

var n = 0;
var id = setInterval( function(){
	n++;
	console.log( "interval", n );
	if (n === 3) clearInterval( id );
}, 300 );

var cancelled = setTimeout( function(){ console.log( "never" ); }, 5 );
clearTimeout( cancelled );

queueMicrotask( function(){ console.log( "microtask" ); } );
process.nextTick( function(){ console.log( "nextTick" ); } );
console.log( "sync" );
