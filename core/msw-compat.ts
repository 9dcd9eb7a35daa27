/**
 * The one place msw 2 and msw 3 differ for this package: msw 3 renamed `onUnhandledRequest` to
 * `onUnhandledFrame`. Each version ignores the other's key, so passing both works on either.
 * Use it as `server.listen(ERROR_ON_UNHANDLED)` or `worker.start(ERROR_ON_UNHANDLED)`.
 */
export const ERROR_ON_UNHANDLED: { onUnhandledRequest: 'error'; onUnhandledFrame: 'error' } = {
  onUnhandledRequest: 'error',
  onUnhandledFrame: 'error',
}
