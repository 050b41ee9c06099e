// An unhandled rejection of a subclass promise reaches the listener as that very object, even
// when the script kept no reference to it: its class, its own properties, its species.
class Sub extends Promise {
  constructor(executor) {
    super(executor);
    console.log('new Sub');
  }
}
const show = (reason) => (reason instanceof Error ? reason.name : reason);
process.on('unhandledRejection', (reason, promise) => {
  console.log('unhandled', show(reason), promise instanceof Sub, promise.tag);
  // catch goes through Sub's species: one more Sub.
  promise.catch(() => console.log('caught', show(reason)));
});
process.on('rejectionHandled', (promise) => console.log('handled later', promise.tag));

Object.assign(new Sub((_, reject) => reject('by new')), { tag: 'made with new' });
Object.assign(Sub.reject('by Sub.reject'), { tag: 'made by Sub.reject' });
Sub.any([]).tag = 'made by Sub.any';
