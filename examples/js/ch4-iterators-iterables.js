// Chapter 4, "Generating Values": "Producers and Iterators" and "Iterables": a closure
// producer, the same producer as a hand-written iterator with `Symbol.iterator` (consumed
// by hand, by for..of and by a manual for loop), an array's iterator, and the producer as a
// generator. Each snippet as the book gives it, with console.log around its values.
var gimmeSomething = (function(){
	var nextVal;

	return function(){
		if (nextVal === undefined) {
			nextVal = 1;
		}
		else {
			nextVal = (3 * nextVal) + 6;
		}

		return nextVal;
	};
})();

console.log( gimmeSomething() );		// 1
console.log( gimmeSomething() );		// 9
console.log( gimmeSomething() );		// 33
console.log( gimmeSomething() );		// 105

function makeSomething() {
	return (function(){
		var nextVal;

		return {
			// needed for `for..of`
			[Symbol.iterator]: function(){ return this; },

			// standard iterator interface method
			next: function(){
				if (nextVal === undefined) {
					nextVal = 1;
				}
				else {
					nextVal = (3 * nextVal) + 6;
				}

				return { done:false, value:nextVal };
			}
		};
	})();
}

var something = makeSomething();

console.log( something.next().value );		// 1
console.log( something.next().value );		// 9
console.log( something.next().value );		// 33
console.log( something.next().value );		// 105

something = makeSomething();

for (var v of something) {
	console.log( v );

	// don't let the loop run forever!
	if (v > 500) {
		break;
	}
}
// 1 9 33 105 321 969

something = makeSomething();

for (
	var ret;
	(ret = something.next()) && !ret.done;
) {
	console.log( ret.value );

	// don't let the loop run forever!
	if (ret.value > 500) {
		break;
	}
}
// 1 9 33 105 321 969

var a = [1,3,5,7,9];

for (var v of a) {
	console.log( v );
}
// 1 3 5 7 9

var it = a[Symbol.iterator]();

console.log( it.next().value );	// 1
console.log( it.next().value );	// 3
console.log( it.next().value );	// 5

function *somethingGen() {
	var nextVal;

	while (true) {
		if (nextVal === undefined) {
			nextVal = 1;
		}
		else {
			nextVal = (3 * nextVal) + 6;
		}

		yield nextVal;
	}
}

for (var v of somethingGen()) {
	console.log( v );

	// don't let the loop run forever!
	if (v > 500) {
		break;
	}
}
// 1 9 33 105 321 969

// A generator's iterator is itself iterable: its @@iterator returns it.
var gen = somethingGen();
console.log( gen[Symbol.iterator]() === gen );	// true
