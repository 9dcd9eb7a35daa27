/**
 * The one place msw 2 and msw 3 differ for this package: msw 3 renamed `onUnhandledRequest` to
 * `onUnhandledFrame` (msw 3's `SharedOptions`; msw 2's `onUnhandledRequest` in `SharedOptions`).
 * Each version ignores the other's key, so passing both works on either. Only the strategy names
 * are common: msw 2 calls a callback with the request, msw 3 with a network frame.
 */
export type UnhandledStrategy = 'bypass' | 'warn' | 'error'

/**
 * `server.listen()` / `worker.start()` options that apply `strategy` to unhandled requests under
 * msw 2 and msw 3 alike: `worker.start({ ...onUnhandled('bypass'), quiet: true })`.
 */
export function onUnhandled<S extends UnhandledStrategy>(
  strategy: S,
): { onUnhandledRequest: S; onUnhandledFrame: S } {
  return { onUnhandledRequest: strategy, onUnhandledFrame: strategy }
}

/** Unhandled requests fail: `server.listen(ERROR_ON_UNHANDLED)` or `worker.start(ERROR_ON_UNHANDLED)`. */
export const ERROR_ON_UNHANDLED: { onUnhandledRequest: 'error'; onUnhandledFrame: 'error' } =
  onUnhandled('error')
