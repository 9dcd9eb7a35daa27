import type { z } from 'zod'
import type { MockError } from './errors.ts'
import { isReadableJson } from './media-type.ts'

/**
 * Reading what a request carries, for every vendor: the bearer token, the JSON body and its zod
 * validation. Each function takes the vendor's error for the failure, so the answer stays in the
 * vendor's envelope while the checks are written once.
 */

/**
 * A request's header fields as the mock reads them: names case-insensitive; iterated as the Fetch
 * `Headers` iterates (lower-case names sorted, a repeated field's values joined with `, `, each
 * `Set-Cookie` on its own), so a journal entry reads the same whichever transport carried the
 * request. A Fetch `Headers` is one.
 */
export interface RequestHeaders {
  get(name: string): string | null
  has(name: string): boolean
  [Symbol.iterator](): Iterator<[string, string]>
}

/**
 * A request as the pipeline and the vendors read it, whatever carried it: a Fetch `Request` in
 * msw's handler (in-process, the browser's worker, Playwright; see `fetchRequestInput` in
 * core/body.ts) or a `node:http` request in the standalone server (server/express-adapter.ts).
 * @note Not the Fetch `Request` itself: building one per request (its `Headers`, its
 * `AbortController`, a web stream for the body) cost the standalone server more than routing,
 * faults and the journal together. Only what the mock reads is here. `aborted` stands beside
 * `signal` because every operation checks whether its client is gone (see `abandon`), while only
 * a wait needs a signal to listen to: the check must not create one.
 */
export interface MockRequest {
  /** Upper-case, as sent. */
  readonly method: string
  /** The absolute URL. */
  readonly url: string
  readonly headers: RequestHeaders
  /**
   * Aborts when the client goes away: for waits (latency) that should end then. A transport may
   * create it on first read; {@link MockRequest.aborted} checks without creating it.
   */
  readonly signal: AbortSignal
  /** Whether the client has gone (the signal's `aborted`). */
  readonly aborted: boolean
  /**
   * The body's bytes exactly as sent (empty when none), read once.
   * @throws MockStatusError 413 (`payload-too-large`) when it declares or sends more than
   * `maxBytes` (core/body.ts `bodyTooLarge`).
   */
  readBody(maxBytes: number): Promise<Uint8Array<ArrayBuffer>>
}

/**
 * The token of `Authorization: Bearer <token>` (the scheme's case is free, RFC 6750 §2.1, and so
 * is trailing space); undefined when the header is missing or of another form.
 */
export function bearerToken(request: MockRequest): string | undefined {
  const header = request.headers.get('authorization')
  return (header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]) || undefined
}

/**
 * A body is JSON unless the request names another media type: returns the `Content-Type` header
 * when it names one other than `application/json`, or a charset the mock cannot decode
 * (`charset=utf-7`), read as a media type (core/media-type.ts: case, spaces and quoted parameters
 * such as `charset="UTF-8"` allowed); undefined otherwise. A known charset (`iso-8859-1`) is
 * decoded as declared (core/body.ts).
 */
export function unsupportedContentType(request: MockRequest): string | undefined {
  const type = request.headers.get('content-type')
  return type && !isReadableJson(type) ? type : undefined
}

/** What reading a JSON body needs of the operation's context. */
export interface JsonBodySource {
  request: MockRequest
  /** Parses the body as JSON; throws a 400 `MockStatusError` when it is not (core/body.ts). */
  readJson(): Promise<unknown>
}

/**
 * The request's JSON body.
 * @param unsupported the vendor's error (its 415) for a `Content-Type` other than JSON.
 * @throws that error, or a 400 `MockStatusError` (`malformed-json`) for an empty or broken body,
 * which the vendor's renderer puts in its envelope.
 */
export async function readJsonBody(
  ctx: JsonBodySource,
  unsupported: (contentType: string) => MockError,
): Promise<unknown> {
  const type = unsupportedContentType(ctx.request)
  if (type !== undefined) throw unsupported(type)
  return ctx.readJson()
}

/**
 * `value` as `schema` reads it.
 * @param invalid the vendor's mapping of zod's issues to its error (each vendor's `errors.ts`
 * has one): gets the error and the value as sent.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  invalid: (error: z.ZodError, value: unknown) => MockError,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw invalid(parsed.error, value)
  return parsed.data
}
