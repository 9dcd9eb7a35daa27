import { MockError, MockStatusError, reasonPhrase } from '../../core/errors.ts'
import type { ErrorContext, RenderedError } from '../../core/vendor.ts'

/**
 * Snowflake error codes. The SQL-level ones are Snowflake's own (002003 does not exist, 002002
 * already exists, 003001 insufficient privileges, 001003 syntax error, 390303/390144 bad tokens).
 * The contract names no code for transport-level statuses (405, 408, 413, 429, 503…): those are
 * stable codes of this mock, in Snowflake's six-digit form.
 */
export const SNOWFLAKE_CODES = {
  syntaxError: '001003',
  doesNotExist: '002003',
  alreadyExists: '002002',
  insufficientPrivileges: '003001',
  invalidOAuthToken: '390303',
  invalidJwt: '390144',
  asyncInProgress: '392604',
} as const

const STATUS_CODES: Record<number, string> = {
  400: '391902',
  401: SNOWFLAKE_CODES.invalidOAuthToken,
  403: SNOWFLAKE_CODES.insufficientPrivileges,
  404: '391904',
  405: '391905',
  408: '000630',
  409: SNOWFLAKE_CODES.alreadyExists,
  410: '391910',
  413: '391913',
  415: '391915',
  429: '391918',
  500: '300002',
  503: '391923',
  504: '391924',
}

const STATUS_MESSAGES: Record<number, string> = {
  401: 'Invalid OAuth access token. Please use a new token and try again.',
  408: 'Statement reached its statement or warehouse timeout of 60 second(s) and was canceled.',
  429: 'Too many requests. The number of requests hit the rate limit; slow down and retry.',
  500: 'Internal error. Please contact Snowflake support.',
  503: 'Service is temporarily unavailable. Retry with a jittered backoff.',
  504: 'Gateway timeout. The request was not processed in time; retry with a jittered backoff.',
}

/** A Snowflake API error: HTTP status, Snowflake code and message. */
export class SnowflakeError extends MockError {
  override readonly name = 'SnowflakeError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }

  /** An error with the code the mock uses for this status. */
  static ofStatus(status: number, message: string): SnowflakeError {
    return new SnowflakeError(status, STATUS_CODES[status] ?? String(390000 + status), message)
  }

  static badRequest(message: string): SnowflakeError {
    return SnowflakeError.ofStatus(400, message)
  }

  static notFound(kind: string, name: string): SnowflakeError {
    return new SnowflakeError(
      404,
      SNOWFLAKE_CODES.doesNotExist,
      `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`,
    )
  }
}

/** Snowflake's one error wrapper: `{message, code, error_code, request_id}`. */
export function renderSnowflakeError(error: unknown, ctx: ErrorContext): RenderedError {
  let status = 500
  let code = STATUS_CODES[500] as string
  let message = STATUS_MESSAGES[500] as string
  if (error instanceof SnowflakeError) {
    ;({ status, code, message } = error)
  } else if (error instanceof MockStatusError) {
    status = error.status
    code = SnowflakeError.ofStatus(status, '').code
    message =
      error.reason === 'injected'
        ? (STATUS_MESSAGES[status] ?? `${reasonPhrase(status)}.`)
        : error.message
  }
  return { status, body: { message, code, error_code: code, request_id: ctx.requestId } }
}
