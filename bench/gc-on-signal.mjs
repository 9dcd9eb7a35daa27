// Preloaded into a bench target started with --expose-gc: SIGUSR2 forces a full collection, so
// the bench can tell memory the server keeps from garbage V8 has not collected yet.
process.on('SIGUSR2', () => globalThis.gc?.())
