import { MockStatusError } from './errors.ts'
import { textDecoderFor } from './media-type.ts'
import type { MockRequest } from './request-input.ts'

/** Default cap on request bodies (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** Reads the body as UTF-8 text, refusing it with a 413 once it passes `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, maxBytes))
}

/** No body: what a GET or an empty POST carries. */
export const EMPTY_BODY: Uint8Array<ArrayBuffer> = new Uint8Array(0)

/**
 * Reads the body's bytes exactly as sent (a byte-order mark, any charset), refusing it with a
 * 413 once it passes `maxBytes`: what the proxy forwards and a signature's payload hash covers.
 */
export async function readBodyBytes(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  refuseDeclaredTooLarge(request.headers.get('content-length'), maxBytes)
  if (!request.body) return EMPTY_BODY
  if (request.bodyUsed || request.body.locked) {
    // Not the caller's mistake but the test's: answered as the vendor's 500, with this logged.
    throw new Error(
      'the request body was read before the mock saw it: a handler before the mock (server.use) that reads it and falls through must read request.clone(), and one Request can be answered once',
    )
  }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      // Not awaited: when msw has cloned the request, cancelling one branch of the tee settles
      // only after every branch is cancelled.
      reader.cancel().catch(() => {})
      throw bodyTooLarge(maxBytes)
    }
    chunks.push(value)
  }
  if (chunks.length === 0) return EMPTY_BODY
  if (chunks.length === 1) return new Uint8Array(chunks[0] as Uint8Array)
  const joined = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    joined.set(chunk, offset)
    offset += chunk.byteLength
  }
  return joined
}

/**
 * A body's text as its `Content-Type` declares it: decoded by its `charset` when the WHATWG
 * Encoding Standard knows the label (`iso-8859-1` is read as windows-1252, as browsers read it),
 * else as UTF-8 (JSON's encoding, RFC 8259 §8.1); a leading byte-order mark dropped, a byte that
 * is not of the charset read as U+FFFD. An unknown charset is refused before the body is parsed
 * (core/request-input.ts). Linear in the body.
 */
export function bodyTextOf(bytes: Uint8Array, contentType: string | null): string {
  return bytes.byteLength === 0 ? '' : textDecoderFor(contentType).decode(bytes)
}

/** Parses JSON text, turning every failure into a 400 that says what is wrong. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '')
    throw new MockStatusError(
      400,
      'Request body is empty; a JSON body is required',
      'malformed-json',
    )
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new MockStatusError(
      400,
      `Request body is not valid JSON: ${(error as Error).message}`,
      'malformed-json',
    )
  }
}

/**
 * A Fetch `Request` as the pipeline reads it (core/request-input.ts): its method, URL, headers and
 * signal as they are, its body read by {@link readBodyBytes}.
 */
export function fetchRequestInput(request: Request): MockRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    get signal() {
      return request.signal
    },
    get aborted() {
      return request.signal.aborted
    },
    readBody: (maxBytes) => readBodyBytes(request, maxBytes),
  }
}

/**
 * Refuses a body whose `Content-Length` (the header's value, or null) passes `maxBytes` before
 * any of it is read, whatever the method.
 * @throws MockStatusError 413 ({@link bodyTooLarge})
 */
export function refuseDeclaredTooLarge(contentLength: string | null, maxBytes: number): void {
  if (Number(contentLength ?? Number.NaN) > maxBytes) throw bodyTooLarge(maxBytes)
}

/** The 413 of a body past `maxBytes` (`payload-too-large`), in the vendor's envelope once rendered. */
export function bodyTooLarge(maxBytes: number): MockStatusError {
  return new MockStatusError(
    413,
    `Request body is larger than ${maxBytes} bytes (the --max-body-bytes limit)`,
    'payload-too-large',
  )
}
