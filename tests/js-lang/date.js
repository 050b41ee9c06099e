// Date (ECMA-262 21.4) with UTC as the local time zone (run Node with TZ=UTC to compare):
// the time value algorithms, parse of the ISO and legacy forms, the string forms, setters,
// @@toPrimitive ('+' gives the string), subclassing, structured clone, Node's inspect.
const d = new Date(Date.UTC(2026, 11, 4, 22, 30, 5, 123));
console.log(d.getTime(), d.toISOString(), d.toJSON(), JSON.stringify({ d }), String(d), d.toString());
console.log(d.toDateString(), "|", d.toTimeString(), "|", d.toUTCString(), "|", d.toLocaleString(), "|", d.toLocaleDateString(), "|", d.toLocaleTimeString());
console.log(d.getFullYear(), d.getMonth(), d.getDate(), d.getDay(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds(), d.getTimezoneOffset(), d.getUTCHours());
console.log(d, [d], { when: d }, new Date(NaN), [new Date("nope")]);
const e = new Date(0); e.setFullYear(2000, 1, 29); console.log(e.toISOString(), e.setMonth(12), e.toISOString(), e.setDate(0), e.toISOString(), e.setHours(25, 61, 61, 1001), e.toISOString());
console.log(new Date(2020, 0, 31).toISOString(), new Date(99, 0).toISOString(), new Date(2020, 13, 1).toISOString(), new Date(-1).toISOString(), new Date(8.64e15).toISOString(), new Date(8.64e15 + 1).getTime());
console.log(new Date(-62198755200000).toISOString(), new Date(-1e14).toISOString(), new Date(253402300800000).toISOString());
for (const s of ["2026-12-04", "2026-12-04T10:20:30Z", "2026-12-04T10:20:30.5+02:00", "2026-12", "2026", "+275760-09-13T00:00:00.000Z", "-000001-01-01T00:00:00Z", "2026-12-04T10:20", "2026-12-04 10:20:30", "Fri Dec 04 2026 22:30:05 GMT+0000 (Coordinated Universal Time)", "Fri, 04 Dec 2026 22:30:05 GMT", "December 17, 1995 03:24:00", "Dec 25, 1995", "1995-12-17T03:24:00", "12/25/2020", "nope", "2026-02-30", "2026-13-01", "Thu, 01 Jan 1970 00:00:00 GMT+0100"])
  console.log(JSON.stringify(s), Date.parse(s));
console.log(typeof Date.now(), Date.now() > 1.7e12, typeof Date(), Date().length > 20, new Date(d) - d, d - 0, d + 1 === String(d) + "1", d > new Date(0), +new Date(5));
try { new Date(NaN).toISOString() } catch (err) { console.log(err.name, err.message) }
try { Date.prototype.getTime.call({}) } catch (err) { console.log(err.name, err.message) }
console.log(new Date(NaN).getFullYear(), new Date(NaN).setMinutes(1), new Date(NaN).toJSON(), String(new Date(NaN)), Object.prototype.toString.call(d), Date.length, Date.UTC(2026), Date.UTC());
class MyDate extends Date { tag() { return "mine" } }
const md = new MyDate(0); console.log(md.tag(), md instanceof Date, md.getTime(), md);
console.log(structuredClone(d).getTime() === d.getTime(), structuredClone(d) instanceof Date, structuredClone({ d }).d.toISOString());
console.log(Date.prototype.toGMTString === Date.prototype.toUTCString, new Date(2026, 0, 1, 12).toLocaleTimeString(), new Date(2026, 0, 1, 0, 5).toLocaleTimeString());
