// Chapter 1, "A Program in Chunks": the part that runs now and the part that runs later.
function now() {
	return 21;
}

function later() {
	answer = answer * 2;
	console.log( "Meaning of life:", answer );
}

var answer = now();

setTimeout( later, 1000 ); // Meaning of life: 42

// "Async console": the object is logged as it is now.
var a = {
	index: 1
};
console.log( a ); // { index: 1 }
a.index++;
