import { MockError, MockStatusError, reasonPhrase } from '../../core/errors.ts'
import type { ErrorContext, RenderedError } from '../../core/vendor.ts'

/**
 * SWR error codes. `invalidParameter`, `authenticationFailed` and `listFailed` are SWR's own
 * (docs "Error Codes": 4000014 invalid parameter, 4010000 authentication failed, 5000008 failed to
 * obtain the list). SWR documents no code for transport-level statuses (404, 405, 413, 429,
 * 503…): those get stable codes of this mock in SWR's form, `SVCSTG.SWR.<status>0000`.
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
  429: 'The request is throttled: too many requests. Retry later.',
  500: 'Internal server error: Failed to obtain the list.',
  503: 'Service unavailable. Retry later.',
  504: 'Gateway timeout. Retry later.',
}

/** The SWR code for a status: SWR's own where documented, else `SVCSTG.SWR.<status>0000`. */
export function swrCodeFor(status: number): string {
  return STATUS_CODES[status] ?? `SVCSTG.SWR.${status}0000`
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
 * request id travels in `X-Request-Id` (set by the pipeline).
 */
export function renderSwrError(error: unknown, _ctx: ErrorContext): RenderedError {
  let status = 500
  let code = SWR_CODES.listFailed as string
  let message = STATUS_MESSAGES[500] as string
  let detail = ''
  if (error instanceof SwrError) {
    ;({ status, code, message, detail } = error)
  } else if (error instanceof MockStatusError) {
    status = error.status
    code = swrCodeFor(status)
    message =
      error.reason === 'injected'
        ? (STATUS_MESSAGES[status] ?? `${reasonPhrase(status)}.`)
        : error.message
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
