import { HttpResponse } from 'msw'

/** The JSON of each answer built by {@link jsonResponse}: its text and its UTF-8 bytes. */
const JSON_BODY = new WeakMap<Response, { text: string; bytes: Uint8Array }>()
const encoder = new TextEncoder()

/**
 * A JSON answer, serialized and UTF-8 encoded once: `Content-Type: application/json` (unless
 * `init` names another) and the `Content-Length` of the encoded bytes. The same bytes as msw's
 * `HttpResponse.json`, which encodes the text twice (once to count it, once when read); and the
 * text and bytes are remembered, so the journal previews the body, and the Express adapter writes
 * it, without reading the answer's stream.
 * `undefined` (which JSON cannot say) gives an empty body.
 */
export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return jsonTextResponse(JSON.stringify(body) as string | undefined, init)
}

/** {@link jsonResponse} for JSON text already serialized (an answer assembled in parts). */
export function jsonTextResponse(text: string | undefined, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  const bytes = encoder.encode(text ?? '')
  headers.set('content-length', String(bytes.byteLength))
  const response = new HttpResponse(bytes.byteLength === 0 ? null : bytes, { ...init, headers })
  if (text) JSON_BODY.set(response, { text, bytes })
  return response
}

/**
 * An answer of exactly these bytes whose text is already decoded (a proxied upstream answer):
 * as with {@link jsonResponse}'s, the journal previews `text` without reading the answer, and the
 * Express adapter writes `bytes` as they are. `init` carries every header, Content-Length too.
 */
export function knownBytesResponse(
  bytes: Uint8Array<ArrayBuffer>,
  text: string,
  init: ResponseInit,
): Response {
  const response = new Response(bytes.byteLength === 0 ? null : bytes, init)
  if (bytes.byteLength > 0) JSON_BODY.set(response, { text, bytes })
  return response
}

/**
 * The text of an answer {@link jsonResponse} or {@link knownBytesResponse} built, or undefined for
 * any other.
 */
export function jsonTextOf(response: Response): string | undefined {
  return JSON_BODY.get(response)?.text
}

/**
 * The body bytes of an answer {@link jsonResponse} or {@link knownBytesResponse} built, or undefined for any other: a server
 * adapter writes them as they are instead of reading the Response's stream back.
 */
export function jsonBytesOf(response: Response): Uint8Array | undefined {
  return JSON_BODY.get(response)?.bytes
}
