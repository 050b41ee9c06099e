// Chapter 4, "ES7: async and await?": what the book anticipated as a draft is now
// the language: await a promise in an async function, no run(..) utility needed.
function request(url) {
	return new Promise( function(resolve,reject){
		setTimeout( function(){
			if (url.indexOf( "fail" ) >= 0) {
				reject( "could not load " + url );
			}
			else {
				resolve( "text of " + url );
			}
		}, 10 );
	} );
}

function foo(x,y) {
	return request(
		"http://some.url.1/?x=" + x + "&y=" + y
	);
}

async function main() {
	try {
		var text = await foo( 11, 31 );
		console.log( text );
		text = await request( "http://fail.url/" );
		console.log( "never", text );
	}
	catch (err) {
		console.error( err );
		console.log( "caught:", err );
	}
	return "main done";
}

main().then( function(v){ console.log( v ); } );
console.log( "main() returned a promise, synchronously" );
