import { MockError, type MockErrorReason, MockStatusError } from '../../core/errors.ts'
import type { MockRequest } from '../../core/request-input.ts'
import type { ErrorContext, QuotaInfo, RenderedError } from '../../core/vendor.ts'

/**
 * The rate-limit headers Huawei's API gateway adds when the request asks for them with
 * `X-Apig-Mode: debug`: `X-Apig-RateLimit-user` for a limit per caller, `X-Apig-RateLimit-api`
 * otherwise, as `remain:0,limit:10,time:1 second`. Without that header it sends none.
 * @note From APIG's user guide, "Response Headers" (Calling Published APIs): the `X-Apig-RateLimit-*`
 * headers are returned only with `X-Apig-Mode: debug`. The window is written in the largest unit
 * that divides it (hour, minute, second), else in ms.
 */
export function swrThrottleHeaders(quota: QuotaInfo, request: MockRequest): Record<string, string> {
  if (request.headers.get('x-apig-mode')?.toLowerCase() !== 'debug') return {}
  const name = quota.by === 'principal' ? 'X-Apig-RateLimit-user' : 'X-Apig-RateLimit-api'
  return { [name]: `remain:${quota.remaining},limit:${quota.limit},time:${apigTime(quota.perMs)}` }
}

function apigTime(ms: number): string {
  for (const [unit, size] of [
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}`
  }
  return `${ms} millisecond`
}

/**
 * SWR error codes, SWR's own (docs "Error Codes": 4000014 invalid parameter, 4010000
 * authentication failed, 5000008 failed to obtain the list), for the statuses the contract
 * documents (400, 401, 500).
 */
export const SWR_CODES = {
  invalidParameter: 'SVCSTG.SWR.4000014',
  authenticationFailed: 'SVCSTG.SWR.4010000',
  listFailed: 'SVCSTG.SWR.5000008',
} as const

const STATUS_CODES: Record<number, string> = {
  400: SWR_CODES.invalidParameter,
  401: SWR_CODES.authenticationFailed,
  500: SWR_CODES.listFailed,
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'Invalid parameter.',
  401: 'Authentication failed. The token may have expired; obtain a new token and try again.',
  500: 'Internal server error: Failed to obtain the list.',
}

/**
 * What Huawei's API gateway (APIG) answers before a request reaches SWR, by status: its
 * published "Error Codes" of API calls, in APIG's own body `{error_code, error_msg, request_id}`.
 * @note SWR's contract documents 400, 401 and 500 only; the other statuses a caller of SWR can
 * see come from the gateway in front of it, so the mock answers them as APIG does: an unknown
 * path or a method the path does not serve is 404 `APIG.0101` (APIG has no 405), a body over the
 * limit 413 `APIG.0201`, throttling (and the mock's own session limit) 429 `APIG.0308`, an
 * unreachable or slow backend 502 `APIG.0202` / 504 `APIG.0203`. APIG lists no 503.
 */
export const APIG_ERRORS: Readonly<Record<number, { code: string; message: string }>> = {
  404: {
    code: 'APIG.0101',
    message: 'The API does not exist or has not been published in the environment.',
  },
  413: { code: 'APIG.0201', message: 'Request entity too large.' },
  429: { code: 'APIG.0308', message: 'The throttling threshold has been reached.' },
  502: { code: 'APIG.0202', message: 'Backend unavailable.' },
  504: { code: 'APIG.0203', message: 'Backend timeout.' },
}

/** The status the gateway answers for the mock's own failures that SWR never sees. */
const GATEWAY_STATUS_OF_REASON: Partial<Record<MockErrorReason, number>> = {
  'route-not-found': 404,
  'method-not-allowed': 404,
  'payload-too-large': 413,
  'session-limit': 429,
}

/** The SWR code for a status the contract documents (400, 401, 500); others are 500's. */
export function swrCodeFor(status: number): string {
  return STATUS_CODES[status] ?? SWR_CODES.listFailed
}

/** An SWR API error: HTTP status, `SVCSTG.SWR.*` code, message and an optional detail. */
export class SwrError extends MockError {
  override readonly name = 'SwrError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail = '',
  ) {
    super(message)
  }

  /** A 400 for a bad query parameter or header. */
  static invalidParameter(message: string): SwrError {
    return new SwrError(400, SWR_CODES.invalidParameter, message)
  }

  /** A 401: missing or wrong credentials; `detail` may explain a signature mismatch. */
  static unauthorized(message: string, detail = ''): SwrError {
    return new SwrError(401, SWR_CODES.authenticationFailed, message, detail)
  }
}

/**
 * SWR's one error wrapper. The body carries the current format (`error_code`, `error_msg`, read
 * first by Huawei's SDKs) and the older `errors[]` list at once, as SWR's error page shows; the
 * request id travels in `X-Request-Id` (set by the pipeline). Statuses SWR does not document are
 * the gateway's ({@link APIG_ERRORS}); any other status becomes SWR's 500.
 */
export function renderSwrError(error: unknown, ctx: ErrorContext): RenderedError {
  let status = 500
  let code = SWR_CODES.listFailed as string
  let message = STATUS_MESSAGES[500] as string
  let detail = ''
  if (error instanceof SwrError) {
    ;({ status, code, message, detail } = error)
  } else if (error instanceof MockStatusError) {
    const injected = error.reason === 'injected'
    status = (injected ? undefined : GATEWAY_STATUS_OF_REASON[error.reason]) ?? error.status
    const gateway = APIG_ERRORS[status]
    if (gateway) {
      const own = error.reason === 'method-not-allowed' ? 'The API does not exist.' : undefined
      return gatewayError(status, gateway.code, own ?? gateway.message, error, ctx)
    }
    if (STATUS_CODES[status] === undefined) status = 500
    code = swrCodeFor(status)
    message = injected ? (STATUS_MESSAGES[status] as string) : error.message
  }
  return {
    status,
    body: {
      error_code: code,
      error_msg: message,
      errors: [{ errorCode: code, errorMessage: message, detail }],
    },
  }
}

/**
 * APIG's error body. The gateway's own message leads (as APIG words it); the mock's reason
 * follows where it says more (e.g. the session limit).
 */
function gatewayError(
  status: number,
  code: string,
  message: string,
  error: MockStatusError,
  ctx: ErrorContext,
): RenderedError {
  const more = error.reason === 'session-limit' ? ` ${error.message}` : ''
  return {
    status,
    body: { error_code: code, error_msg: `${message}${more}`, request_id: ctx.requestId },
  }
}
