// ES6 & Beyond, chapter 4, "Promises": Promise.all, Promise.race and thenables.
var p1 = Promise.resolve( 42 );
var p2 = new Promise( function pr(resolve){
	setTimeout( function(){
		resolve( 43 );
	}, 100 );
} );
var v3 = 44;
var p4 = new Promise( function pr(resolve,reject){
	setTimeout( function(){
		reject( "Oops" );
	}, 10 );
} );

Promise.all( [p1,p2,v3] )
.then( function fulfilled(vals){
	console.log( vals );			// [42,43,44]
} );

Promise.all( [p1,p2,v3,p4] )
.then(
	function fulfilled(vals){
		// never gets here
	},
	function rejected(reason){
		console.log( reason );		// Oops
	}
);

Promise.race( [p2,p1,v3] )
.then( function fulfilled(val){
	console.log( val );				// 42
} );

Promise.race( [p2,p4] )
.then(
	function fulfilled(val){
		// never gets here
	},
	function rejected(reason){
		console.log( reason );		// Oops
	}
);

// A thenable whose then() keeps calling back: only the first call counts.
var th = {
	then: function thener( fulfilled ) {
		var n = 0;
		var intv = setInterval( function(){
			fulfilled( ++n );
			if (n == 3) clearInterval( intv );
		}, 100 );
	}
};
Promise.resolve( th ).then( function(v){ console.log( "thenable gave", v ); } );

function ajax(url) {
	return new Promise( function pr(resolve,reject){
		setTimeout( function(){
			if (url.indexOf( "backup" ) >= 0) resolve( "backup contents" );
			else reject( "404 for " + url );
		}, 20 );
	} );
}

ajax( "http://some.url.1" )
.then(
	function fulfilled(contents){
		return contents.toUpperCase();
	},
	function rejected(reason){
		return ajax(
			"http://backup.url.3?err=" + reason
		);
	}
)
.then( function fulfilled(contents){
	console.log( contents );
} );
