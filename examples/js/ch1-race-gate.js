// Chapter 1, "Concurrency": two "ajax" responses arrive in an unknown order
// (faked with setTimeout); a gate waits for both, a latch takes only the first.
function ajax(url, cb) {
	var delay = url == "http://some.url.1" ? 20 : 10;
	setTimeout( function(){
		cb( url == "http://some.url.1" ? 10 : 30 );
	}, delay );
}

// the gate
var a, b;

function foo(x) {
	a = x * 2;
	if (a && b) {
		baz();
	}
}

function bar(y) {
	b = y * 2;
	if (a && b) {
		baz();
	}
}

function baz() {
	console.log( a + b );
}

ajax( "http://some.url.1", foo );
ajax( "http://some.url.2", bar );

// the latch
var c;

function foo2(x) {
	if (c == undefined) {
		c = x * 2;
		baz2();
	}
}

function bar2(x) {
	if (c == undefined) {
		c = x / 2;
		baz2();
	}
}

function baz2() {
	console.log( c );
}

ajax( "http://some.url.1", foo2 );
ajax( "http://some.url.2", bar2 );
