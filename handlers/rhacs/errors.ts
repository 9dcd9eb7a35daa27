import { MockError, MockStatusError, reasonPhrase } from '../../core/errors.ts'
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

/** grpc-gateway's `HTTPStatusFromCode`: the HTTP status REST clients see for each gRPC code. */
const HTTP_STATUS_OF_CODE: Record<number, number> = {
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

/** The gRPC code that best names an HTTP status the mock itself produces (faults, routing, limits). */
const CODE_OF_HTTP_STATUS: Record<number, GrpcCodeValue> = {
  400: GrpcCode.invalidArgument,
  401: GrpcCode.unauthenticated,
  403: GrpcCode.permissionDenied,
  404: GrpcCode.notFound,
  // grpc-gateway answers an unrouted method with Unimplemented and keeps the 405.
  405: GrpcCode.unimplemented,
  408: GrpcCode.deadlineExceeded,
  409: GrpcCode.alreadyExists,
  412: GrpcCode.failedPrecondition,
  413: GrpcCode.resourceExhausted,
  429: GrpcCode.resourceExhausted,
  499: GrpcCode.canceled,
  500: GrpcCode.internal,
  501: GrpcCode.unimplemented,
  502: GrpcCode.unavailable,
  503: GrpcCode.unavailable,
  504: GrpcCode.deadlineExceeded,
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
 * (grpc-gateway's mapping) unless `httpStatus` pins it, as for 405 and 413.
 */
export class RhacsError extends MockError {
  override readonly name = 'RhacsError'
  readonly status: number

  constructor(
    readonly code: GrpcCodeValue,
    message: string,
    httpStatus?: number,
  ) {
    // Messages echo the caller's input; a 1 MB query must not come back twice (message, error).
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message)
    this.status = httpStatus ?? HTTP_STATUS_OF_CODE[code] ?? 500
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
    const code = CODE_OF_HTTP_STATUS[error.status] ?? GrpcCode.unknown
    const message =
      error.reason === 'injected'
        ? (INJECTED_MESSAGES[error.status] ?? reasonPhrase(error.status).toLowerCase())
        : error.message
    return { status: error.status, rpc: { code, message, details: [] } }
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
  return { status, body: { ...rpc, error: rpc.message } }
}
