import {
  MockError,
  type MockErrorReason,
  MockStatusError,
  reasonPhrase,
} from '../../core/errors.ts'
import type { ErrorContext, RenderedError } from '../../core/vendor.ts'

/** gRPC status codes, as StackRox Central puts them in `code`. */
export const GrpcCode = {
  canceled: 1,
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  alreadyExists: 6,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  aborted: 10,
  outOfRange: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  dataLoss: 15,
  unauthenticated: 16,
} as const

export type GrpcCodeValue = (typeof GrpcCode)[keyof typeof GrpcCode]

/**
 * grpc-gateway's `HTTPStatusFromCode` (runtime/errors.go): the HTTP status REST clients see for
 * each gRPC code. Every RHACS error takes its status from here, so status and code always agree.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<GrpcCodeValue, number>> = {
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
}

/**
 * The gRPC code for a status the mock forces (faults, `Prefer: code=`): the code whose HTTP
 * mapping is that status. A status no code maps to is Unknown (500), as grpc-gateway answers.
 */
const CODE_OF_HTTP_STATUS: Record<number, GrpcCodeValue> = {
  400: GrpcCode.invalidArgument,
  401: GrpcCode.unauthenticated,
  403: GrpcCode.permissionDenied,
  404: GrpcCode.notFound,
  409: GrpcCode.alreadyExists,
  429: GrpcCode.resourceExhausted,
  499: GrpcCode.canceled,
  500: GrpcCode.internal,
  501: GrpcCode.unimplemented,
  503: GrpcCode.unavailable,
  504: GrpcCode.deadlineExceeded,
}

/**
 * What Central's front end answers for the mock's own failures, by reason.
 * @note Routing errors are grpc-gateway's `DefaultRoutingErrorHandler` (runtime/errors.go):
 * no route is NotFound "Not Found" (404); a path another method serves is Unimplemented
 * "Method Not Allowed", which `HTTPStatusFromCode` turns into 501, not 405. An oversized body
 * reaches Central's gRPC server through the gateway and is refused there with
 * ResourceExhausted (429), as gRPC refuses a message over its receive limit.
 */
const FRONT_END_ERRORS: Partial<
  Record<MockErrorReason, { code: GrpcCodeValue; message?: string }>
> = {
  'route-not-found': { code: GrpcCode.notFound, message: 'Not Found' },
  'method-not-allowed': { code: GrpcCode.unimplemented, message: 'Method Not Allowed' },
  'payload-too-large': { code: GrpcCode.resourceExhausted },
  'malformed-json': { code: GrpcCode.invalidArgument },
  'invalid-session': { code: GrpcCode.invalidArgument },
  'invalid-prefer': { code: GrpcCode.invalidArgument },
  'invalid-query': { code: GrpcCode.invalidArgument },
  'session-limit': { code: GrpcCode.unavailable },
  timeout: { code: GrpcCode.deadlineExceeded },
}

/** Messages in the style of StackRox's `errox` sentinels, for statuses forced by faults. */
const INJECTED_MESSAGES: Record<number, string> = {
  400: 'invalid arguments',
  401: 'credentials not found',
  403: 'not authorized',
  404: 'not found',
  409: 'already exists',
  429: 'too many requests: rate limit exceeded, retry later',
  500: 'internal error',
  503: 'service unavailable: Central is not ready to serve requests, retry later',
  504: 'context deadline exceeded',
}

/** The operation whose errors are stream chunks (`{"error": {...}}`) rather than a status body. */
export const STREAMING_OPERATION = 'ImageService_ExportImages'

/** Longest message an error carries; longer ones (echoing huge input) are cut. */
const MAX_MESSAGE = 1024

/**
 * A StackRox Central API error: a gRPC code and a message. The HTTP status follows from the code
 * (grpc-gateway's mapping), as it does on the real server.
 */
export class RhacsError extends MockError {
  override readonly name = 'RhacsError'
  readonly status: number

  constructor(
    readonly code: GrpcCodeValue,
    message: string,
  ) {
    // Messages echo the caller's input; a 1 MB query must not come back twice (message, error).
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message)
    this.status = HTTP_STATUS_OF_CODE[code]
  }

  /** `errox.InvalidArgs` wrapping a cause: `<cause>: invalid arguments`. */
  static invalidArgs(cause: string): RhacsError {
    return new RhacsError(GrpcCode.invalidArgument, `${cause}: invalid arguments`)
  }

  /** A bare InvalidArgument, as grpc-gateway reports request decoding failures. */
  static badRequest(message: string): RhacsError {
    return new RhacsError(GrpcCode.invalidArgument, message)
  }

  /** `errox.NotFound` wrapping a cause: `<cause>: not found`. */
  static notFound(cause: string): RhacsError {
    return new RhacsError(GrpcCode.notFound, `${cause}: not found`)
  }

  /** `errox.NoCredentials`, optionally caused by something more specific. */
  static noCredentials(cause?: string): RhacsError {
    return new RhacsError(
      GrpcCode.unauthenticated,
      cause ? `credentials not found: ${cause}` : 'credentials not found',
    )
  }

  /** `errox.NotAuthorized.CausedByf("%q for %q", access, resource)`. */
  static notAuthorized(access: string, resource: string): RhacsError {
    return new RhacsError(
      GrpcCode.permissionDenied,
      `not authorized: "${access}" for "${resource}"`,
    )
  }

  /** `context.DeadlineExceeded` surfacing from a walk that ran out of time. */
  static deadlineExceeded(): RhacsError {
    return new RhacsError(GrpcCode.deadlineExceeded, 'context deadline exceeded')
  }
}

/** `google.rpc.Status` as a stream error chunk carries it. */
export interface RpcStatus {
  code: number
  message: string
  details: unknown[]
}

/** Turns anything thrown into a gRPC code, message and HTTP status. */
function classify(error: unknown): { status: number; rpc: RpcStatus } {
  if (error instanceof RhacsError) {
    return { status: error.status, rpc: { code: error.code, message: error.message, details: [] } }
  }
  if (error instanceof MockStatusError) {
    if (error.reason === 'injected') {
      const code = CODE_OF_HTTP_STATUS[error.status] ?? GrpcCode.unknown
      const message = INJECTED_MESSAGES[error.status] ?? reasonPhrase(error.status).toLowerCase()
      return { status: HTTP_STATUS_OF_CODE[code], rpc: { code, message, details: [] } }
    }
    const known = FRONT_END_ERRORS[error.reason]
    const code = known?.code ?? CODE_OF_HTTP_STATUS[error.status] ?? GrpcCode.unknown
    const message = known?.message ?? error.message
    return { status: HTTP_STATUS_OF_CODE[code], rpc: { code, message, details: [] } }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { status: 500, rpc: { code: GrpcCode.internal, message, details: [] } }
}

/** The error chunk of a server stream: `{"error": {code, message, details}}`. */
export function streamErrorChunk(error: unknown): { status: number; body: { error: RpcStatus } } {
  const { status, rpc } = classify(error)
  return { status, body: { error: rpc } }
}

/**
 * RHACS's one error wrapper. Unary calls answer StackRox's `ExtendedRpcStatus`
 * `{code, message, details, error}` (`error` repeats `message` for gRPC-Gateway v1 clients);
 * the streaming export answers grpc-gateway's stream error chunk instead, as the real server does
 * when a stream fails before its first message.
 */
export function renderRhacsError(error: unknown, ctx: ErrorContext): RenderedError {
  if (ctx.operationId === `rhacs.${STREAMING_OPERATION}`) {
    const chunk = streamErrorChunk(error)
    return { status: chunk.status, body: chunk.body }
  }
  const { status, rpc } = classify(error)
  // grpc-gateway's DefaultHTTPErrorHandler puts an Unauthenticated message in WWW-Authenticate.
  const headers: Record<string, string> =
    rpc.code === GrpcCode.unauthenticated
      ? { 'WWW-Authenticate': rpc.message.replace(/[^\x20-\x7e]/g, '?') }
      : {}
  return { status, body: { ...rpc, error: rpc.message }, headers }
}
