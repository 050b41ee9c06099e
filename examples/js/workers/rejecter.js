// An unhandled rejection ends a Node worker as an uncaught exception does.
Promise.reject(new RangeError("rejected in the worker"));
