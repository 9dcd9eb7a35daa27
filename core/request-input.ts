import type { z } from 'zod'
import type { MockError } from './errors.ts'
import { isReadableJson } from './media-type.ts'

/**
 * Reading what a request carries, for every vendor: the bearer token, the JSON body and its zod
 * validation. Each function takes the vendor's error for the failure, so the answer stays in the
 * vendor's envelope while the checks are written once.
 */

/**
 * The token of `Authorization: Bearer <token>` (the scheme's case is free, RFC 6750 §2.1, and so
 * is trailing space); undefined when the header is missing or of another form.
 */
export function bearerToken(request: Request): string | undefined {
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
export function unsupportedContentType(request: Request): string | undefined {
  const type = request.headers.get('content-type')
  return type && !isReadableJson(type) ? type : undefined
}

/** What reading a JSON body needs of the operation's context. */
export interface JsonBodySource {
  request: Request
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
