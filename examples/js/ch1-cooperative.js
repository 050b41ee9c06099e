// Chapter 1, "Cooperation": process a large result in chunks, yielding to the event
// loop between batches with setTimeout(..0) so other events can interleave.
var res = [];

function response(data) {
	var chunk = data.splice( 0, 3 );

	res = res.concat(
		chunk.map( function(val){
			return val * 2;
		} )
	);

	if (data.length > 0) {
		setTimeout( function(){
			response( data );
		}, 0 );
	}
	else {
		console.log( res );
	}
}

function ajax(url, cb) {
	setTimeout( function(){
		cb( [1, 2, 3, 4, 5, 6, 7, 8] );
	}, 5 );
}

ajax( "http://some.url.1", response );
setTimeout( function(){ console.log( "another event, interleaved" ); }, 5 );
