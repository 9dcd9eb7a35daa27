import type { z } from 'zod'
import { MockError, MockStatusError, reasonPhrase } from '../../core/errors.ts'
import { describeZodError } from '../../core/faults.ts'
import type { ErrorContext, QueryIssue, RenderedError } from '../../core/vendor.ts'

/**
 * Snowflake error codes. The SQL-level ones are Snowflake's own (002003 does not exist, 002002
 * already exists, 003001 insufficient privileges, 001003 syntax error, 390303/390144 bad tokens).
 * The contract names no code for transport-level statuses (405, 408, 415, 429, 503…): those are
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

  /** The contract's 415: the API reads application/json only. */
  static unsupportedMediaType(contentType: string): SnowflakeError {
    return SnowflakeError.ofStatus(
      415,
      `Unsupported media type '${contentType.slice(0, 80)}'. The API supports application/json only, in a charset such as UTF-8.`,
    )
  }

  static notFound(kind: string, name: string): SnowflakeError {
    return new SnowflakeError(
      404,
      SNOWFLAKE_CODES.doesNotExist,
      `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`,
    )
  }
}

/**
 * The error statuses Snowflake documents for its REST API (the shared error responses of its
 * specifications' common.yaml); the mock answers no other.
 */
export const SNOWFLAKE_ERROR_STATUSES = [
  400, 401, 403, 404, 405, 408, 409, 410, 415, 429, 500, 503, 504,
] as const

/**
 * Snowflake's one error wrapper: `{message, code, error_code, request_id}`.
 * @note Snowflake documents no 413: a body over the mock's size limit is the 400 it documents
 * for a request it cannot take, with a message naming the limit. A forced status it does not
 * document becomes its 500.
 */
export function renderSnowflakeError(error: unknown, ctx: ErrorContext): RenderedError {
  let status = 500
  let code = STATUS_CODES[500] as string
  let message = STATUS_MESSAGES[500] as string
  if (error instanceof SnowflakeError) {
    ;({ status, code, message } = error)
  } else if (error instanceof MockStatusError) {
    status = error.reason === 'payload-too-large' ? 400 : error.status
    if (!(SNOWFLAKE_ERROR_STATUSES as readonly number[]).includes(status)) status = 500
    code = SnowflakeError.ofStatus(status, '').code
    message =
      error.reason === 'injected'
        ? (STATUS_MESSAGES[status] ?? `${reasonPhrase(status)}.`)
        : error.message
  }
  return { status, body: { message, code, error_code: code, request_id: ctx.requestId } }
}

/**
 * zod's issues with a request body as Snowflake's 400: `what` names the body's contract schema
 * (`Database`), and every problem is listed, `field: reason`.
 */
export function invalidSnowflakeBody(what: string): (error: z.ZodError) => SnowflakeError {
  return (error) =>
    SnowflakeError.badRequest(`Invalid ${what} in request body: ${describeZodError(error)}.`)
}

/** A query parameter its schema refuses, as Snowflake's 400 (the value shown up to 80 characters). */
export function invalidSnowflakeQuery({ parameter, value, message }: QueryIssue): SnowflakeError {
  const given = Array.isArray(value) ? value.join(', ') : (value ?? '')
  const shown = given.length > 80 ? `${given.slice(0, 80)}…` : given
  return SnowflakeError.badRequest(
    `Invalid value '${shown}' for query parameter ${parameter}; ${message}.`,
  )
}
