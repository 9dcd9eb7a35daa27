/** Why the mock itself refused or failed a request, so each vendor can pick its own error code. */
export type MockErrorReason =
  | 'injected'
  | 'malformed-json'
  | 'payload-too-large'
  | 'route-not-found'
  | 'method-not-allowed'
  | 'invalid-session'
  | 'session-limit'
  | 'invalid-prefer'
  | 'invalid-query'
  | 'timeout'
  | 'upstream'
  | 'superseded'

/**
 * Every expected failure: an HTTP status and a message. Vendor errors (`SnowflakeError`,
 * `RhacsError`, `SwrError`, `CycleError`) and the pipeline's own {@link MockStatusError} extend it,
 * so the render step tells an expected outcome from a bug by class, never by shape.
 */
export abstract class MockError extends Error {
  abstract readonly status: number
}

/**
 * A failure raised by the mock's cross-cutting pipeline rather than a vendor model. Each vendor's
 * error renderer turns it into that vendor's envelope, so clients never see a foreign shape.
 */
export class MockStatusError extends MockError {
  override readonly name = 'MockStatusError'
  constructor(
    readonly status: number,
    message: string,
    readonly reason: MockErrorReason,
    readonly extra: {
      retryAfter?: number
      bodyOverride?: unknown
      /** Headers the answer carries besides the vendor's own (e.g. `Allow` on a 405). */
      headers?: Record<string, string>
      /**
       * What the caller probably meant, as `X-Mock-Hint` on the answer whatever status the
       * vendor renders (SWR and Cycle answer a 405 as 404).
       */
      hint?: string
    } = {},
  ) {
    super(message)
  }
}

/** Standard reason phrases, used where a vendor has no message of its own for a status. */
export function reasonPhrase(status: number): string {
  return STATUS_PHRASES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')
}

const STATUS_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/**
 * A caller's input that the mock refuses: bad `reset()` options, a state document that does not
 * fit, a fault rule, a clock instant out of range. The control API answers it with a 400 saying
 * `message`; any other error there is a bug in the mock and stays a 500.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError'
}
