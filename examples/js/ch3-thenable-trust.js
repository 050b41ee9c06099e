// Chapter 3, "Trustable Promise?": Promise.resolve(..) normalizes a thenable that
// misbehaves (calls both callbacks) into a promise that settles once.
var p = {
	then: function(cb,errcb) {
		cb( 42 );
		errcb( "evil laugh" );
	}
};

p
.then(
	function fulfilled(val){
		console.log( val ); // 42
	},
	function rejected(err){
		// oops, shouldn't have run
		console.log( err ); // evil laugh
	}
);

Promise.resolve( p )
.then(
	function fulfilled(val){
		console.log( "normalized:", val ); // 42
	},
	function rejected(err){
		// never gets here
		console.log( "never", err );
	}
);

var p1 = Promise.resolve( 42 );
var p2 = Promise.resolve( p1 );
console.log( p1 === p2 ); // true

var rejectedTh = {
	then: function(resolved,rejected) {
		rejected( "Oops" );
	}
};
Promise.resolve( rejectedTh ).catch( function(err){
	console.log( "rejected thenable:", err );
} );
