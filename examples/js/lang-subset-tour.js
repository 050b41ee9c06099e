// The language subset settle-js runs, printed with Node's console.log formatting.
const { a, b: [first, ...others], c = "default" } = { a: 1, b: [2, 3, 4] };
console.log( a, first, others, c );

let counters = [];
for (let i = 0; i < 3; i++) {
	counters.push( () => i );
}
console.log( counters.map( f => f() ) );	// [ 0, 1, 2 ]: one binding per iteration

function sum(x = 10, ...rest) {
	return rest.reduce( (acc, v) => acc + v, x );
}
console.log( sum(), sum( 1, 2, 3 ), sum( ...[ 4, 5 ] ) );

const obj = {
	name: "obj",
	get upper() { return this.name.toUpperCase(); },
	greet() { return `hello from ${this.name}`; },
};
console.log( obj.upper, obj.greet(), Object.keys( obj ) );
console.log( obj );

const nested = { list: [ 1, "two", { three: 3 } ], deep: { a: { b: { c: { d: 1 } } } }, fn: sum, n: null, u: undefined };
console.log( nested );
console.log( [ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 ] );
console.log( JSON.stringify( nested ), JSON.stringify( { x: [ 1, { y: 2 } ] }, null, 2 ) );
console.log( typeof null, typeof undefined, typeof sum, typeof "s", 0.1 + 0.2, 1 / 3, -0, 2 ** 10, 7 % 3 );
console.log( "5" == 5, "5" === 5, null == undefined, null ?? "fallback", 0 || "or", 0 && "and" );
console.log( String( [ 1, [ 2, 3 ] ] ), Number( "42" ), Number( "x" ), String( null ), [ 1, 2 ] + "" );

try {
	null.property;
} catch (e) {
	console.log( e instanceof TypeError, e.name, e.message );
} finally {
	console.log( "finally" );
}

label: for (const x of [ 1, 2, 3 ]) {
	for (const y of [ 1, 2, 3 ]) {
		if (y === 2) continue label;
		if (x === 3) break label;
		console.log( "pair", x, y );
	}
}

let k = 0;
while (true) { if (++k > 3) break; }
do { k--; } while (k > 0);
console.log( "k", k );

const err = new AggregateError( [ new Error( "a" ), "b" ], "several" );
console.log( err.name, err.message, err.errors.length, err instanceof Error );
console.log( [ 3, 1, 2 ].sort(), [ "b", "a" ].indexOf( "a" ), [ 1, 2, 3 ].includes( 2 ), [ 1, 2, 3 ].slice( 1 ).join( "-" ) );
console.log( Promise.resolve( 42 ), new Promise( () => {} ), [ Promise.reject( "no" ).catch( () => {} ) ] );
