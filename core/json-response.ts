import { HttpResponse } from 'msw'

/** The JSON text of each answer built by {@link jsonResponse}, for the journal's preview. */
const JSON_TEXT = new WeakMap<Response, string>()
const encoder = new TextEncoder()

/**
 * A JSON answer, serialized and UTF-8 encoded once: `Content-Type: application/json` (unless
 * `init` names another) and the `Content-Length` of the encoded bytes. The same bytes as msw's
 * `HttpResponse.json`, which encodes the text twice (once to count it, once when read); and the
 * text is remembered, so the journal previews the body without reading or rebuilding the answer.
 * `undefined` (which JSON cannot say) gives an empty body.
 */
export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  const text = JSON.stringify(body) as string | undefined
  const bytes = encoder.encode(text ?? '')
  headers.set('content-length', String(bytes.byteLength))
  const response = new HttpResponse(bytes.byteLength === 0 ? null : bytes, { ...init, headers })
  if (text) JSON_TEXT.set(response, text)
  return response
}

/** The JSON text of an answer {@link jsonResponse} built, or undefined for any other. */
export function jsonTextOf(response: Response): string | undefined {
  return JSON_TEXT.get(response)
}
