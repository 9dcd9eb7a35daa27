import { jsonTextOf } from './json-response.ts'

/**
 * Characters of a request or response body, and of a query's names and values together, that a
 * journal entry keeps.
 */
export const BODY_PREVIEW_CHARS = 2048

/** A response to hand on, and its body's text for the journal, which cuts it. */
export interface ResponsePreview {
  /** The response to return: the same one, or an equal copy when its body had to be read. */
  response: Response
  /**
   * The body's text: whole, or for a stream its first characters, more than
   * {@link BODY_PREVIEW_CHARS} when there are more; null when it has none.
   */
  body: string | null
}

/**
 * Reads a response body for the journal without taking it from the client. An
 * answer built by `jsonResponse` (every vendor answer but streamed exports) brings its text. Any
 * other JSON body of known length (a proxied answer) is read whole and the response rebuilt
 * around it, the cheapest way. Any other body may be a stream
 * (an NDJSON export of 10,000 images), so only a clone is read, as far as the preview needs.
 */
export async function previewResponseBody(response: Response): Promise<ResponsePreview> {
  if (!response.body) return { response, body: null }
  const known = jsonTextOf(response)
  if (known !== undefined) return { response, body: known }
  // A body of known length (every JSON answer) is read whole and handed on; a streamed one (the
  // RHACS export, served as JSON without a length) must keep streaming, so only its start is read.
  if (
    response.headers.has('content-length') &&
    /^application\/json\b/i.test(response.headers.get('content-type') ?? '')
  ) {
    const text = await response.text()
    return { response: new Response(text === '' ? null : text, response), body: text }
  }
  const reader = response.clone().body?.getReader()
  if (!reader) return { response, body: null }
  const decoder = new TextDecoder()
  let text = ''
  let done = false
  while (!done && text.length <= BODY_PREVIEW_CHARS) {
    const chunk = await reader.read()
    done = chunk.done
    text += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true })
  }
  // Not awaited: cancelling one branch of a tee settles only once the caller's branch ends too.
  if (!done) reader.cancel().catch(() => {})
  return { response, body: text }
}

/**
 * A body's first {@link BODY_PREVIEW_CHARS} characters, as a string of its own. V8's `slice` of a
 * long string is a view that keeps the whole string alive, so a full journal of plain slices
 * would hold 10,000 whole bodies (megabytes each, for a large upload or list) rather than
 * 10,000 previews; `structuredClone` copies the characters.
 */
export function bodyPreview(text: string): string {
  return text.length <= BODY_PREVIEW_CHARS
    ? text
    : structuredClone(text.slice(0, BODY_PREVIEW_CHARS))
}

/**
 * The query as the journal keeps it: names and values cut at {@link BODY_PREVIEW_CHARS}, and
 * parameters after the first {@link BODY_PREVIEW_CHARS} characters left out, so that an entry
 * stays small whatever URL a caller sends (a URL may be 16 KB).
 */
export function journalQuery(
  query: Record<string, string | string[]>,
): Record<string, string | string[]> {
  // No prototype: a parameter named `__proto__` is data, and V8 keeps such an object as a hash
  // table, so thousands of distinct names cost linear time (not a hidden class each).
  const kept: Record<string, string | string[]> = Object.create(null)
  let chars = 0
  for (const [name, value] of Object.entries(query)) {
    if (chars >= BODY_PREVIEW_CHARS) break
    chars += name.length + 1
    // Values too stop at the bound, each counting one more: 7,000 empty values are not nothing.
    const values: string[] = []
    for (const v of Array.isArray(value) ? value : [value]) {
      if (values.length > 0 && chars >= BODY_PREVIEW_CHARS) break
      values.push(bodyPreview(v))
      chars += v.length + 1
    }
    kept[bodyPreview(name)] = (Array.isArray(value) ? values : values[0]) as string | string[]
  }
  return kept
}
