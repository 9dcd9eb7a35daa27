import { HttpResponse } from 'msw'

/**
 * An answer as the pipeline builds it: plain data, turned into a Fetch `Response` once, at the
 * end, by the transport that needs one (msw's handler, {@link toResponse}), and written straight
 * to the socket by one that does not (the standalone server, server/express-adapter.ts).
 * @note Not a Fetch `Response`: building one per request (its `Headers`, its body stream) and
 * reading it back cost the standalone server more than the vendor's own work.
 */
export interface Answer {
  status: number
  /** The reason phrase; undefined: the status's standard one (as msw's `HttpResponse` gives it). */
  statusText?: string
  headers: AnswerHeaders
  body: AnswerBody
  /**
   * Set when the answer is a dropped connection rather than HTTP (a `Response.error()`, status 0):
   * `raw` is what a transport with a socket writes before it closes (garbage bytes, or none for
   * an empty answer); without `raw` the connection is reset.
   */
  dropped?: { raw?: Uint8Array }
}

/**
 * No body; a body known whole (its bytes, and its text for the journal); or one that streams
 * (an NDJSON export, a proxied stream), `shaped` when a fault cuts or slows it (a socket
 * transport then writes it chunk by chunk as it comes, though it carries a `Content-Length`).
 */
export type AnswerBody =
  | null
  | { readonly bytes: Uint8Array; readonly text: string }
  | { stream: ReadableStream<Uint8Array>; readonly shaped?: boolean }

/**
 * An answer's header fields, read and written as a Fetch `Headers` is: names case-insensitive,
 * values without leading or trailing whitespace, `append` joining a repeated field with `, ` on
 * reading (each `Set-Cookie` kept apart), iterated as lower-case names sorted.
 */
export class AnswerHeaders {
  readonly #fields = new Map<string, string>()
  #cookies: string[] = []

  constructor(init?: Record<string, string> | Iterable<readonly [string, string]>) {
    if (!init) return
    const entries = Symbol.iterator in init ? init : Object.entries(init)
    for (const [name, value] of entries as Iterable<readonly [string, string]>) {
      this.append(name, value)
    }
  }

  get(name: string): string | null {
    const key = name.toLowerCase()
    if (key === 'set-cookie') return this.#cookies.length > 0 ? this.#cookies.join(', ') : null
    return this.#fields.get(key) ?? null
  }

  has(name: string): boolean {
    const key = name.toLowerCase()
    return key === 'set-cookie' ? this.#cookies.length > 0 : this.#fields.has(key)
  }

  set(name: string, value: string): void {
    const key = name.toLowerCase()
    if (key === 'set-cookie') this.#cookies = [normalizeHeaderValue(value)]
    else this.#fields.set(key, normalizeHeaderValue(value))
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase()
    const normal = normalizeHeaderValue(value)
    if (key === 'set-cookie') return void this.#cookies.push(normal)
    const existing = this.#fields.get(key)
    this.#fields.set(key, existing === undefined ? normal : `${existing}, ${normal}`)
  }

  delete(name: string): void {
    const key = name.toLowerCase()
    if (key === 'set-cookie') this.#cookies = []
    else this.#fields.delete(key)
  }

  getSetCookie(): string[] {
    return [...this.#cookies]
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    const names = [...this.#fields.keys()]
    if (this.#cookies.length > 0) names.push('set-cookie')
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    for (const name of names) {
      if (name === 'set-cookie') for (const cookie of this.#cookies) yield [name, cookie]
      else yield [name, this.#fields.get(name) as string]
    }
  }
}

/** Strips HTTP whitespace (tab, LF, CR, space) from both ends, as `Headers` normalizes a value. */
export function normalizeHeaderValue(value: string): string {
  const first = value.charCodeAt(0)
  const last = value.charCodeAt(value.length - 1)
  return isHttpWhitespace(first) || isHttpWhitespace(last)
    ? value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')
    : value
}

function isHttpWhitespace(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || code === 0x20
}

/** What builds an answer: its status (default 200), reason phrase and headers. */
export interface AnswerInit {
  status?: number
  statusText?: string
  headers?: Record<string, string> | Iterable<readonly [string, string]> | AnswerHeaders
}

/** An answer of `body` with `init`'s status and headers, taken as they are. */
export function answer(body: AnswerBody, init: AnswerInit = {}): Answer {
  return {
    status: init.status ?? 200,
    statusText: init.statusText,
    headers: new AnswerHeaders(init.headers),
    body,
  }
}

/**
 * A dropped connection: a reset, or (`raw`) garbage bytes or nothing and then a clean close.
 * A Fetch transport sees a network error (`Response.error()`).
 */
export function droppedConnection(raw?: Uint8Array): Answer {
  return {
    status: 0,
    statusText: '',
    headers: new AnswerHeaders(),
    body: null,
    dropped: raw ? { raw } : {},
  }
}

/** Text answers' bytes. */
const encoder = new TextEncoder()

/** A body known whole from its text (UTF-8); null for ''. */
export function textBody(text: string): AnswerBody {
  return text === '' ? null : { bytes: encoder.encode(text), text }
}

/** The body's bytes, a stream read to its end. */
export async function answerBytes(body: AnswerBody): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  if ('bytes' in body) return body.bytes
  return new Uint8Array(await new Response(body.stream).arrayBuffer())
}

/** The bytes of `Response`s {@link toResponse} built from a body known whole, by response. */
const KNOWN_BODIES = new WeakMap<Response, { text: string; bytes: Uint8Array }>()

/** What a socket transport writes, then closes, in place of a `Response.error()`. */
const RAW_ANSWERS = new WeakMap<Response, Uint8Array>()

/** `Response`s whose body a fault cuts or slows (see {@link AnswerBody}). */
const SHAPED_BODIES = new WeakSet<Response>()

/**
 * The answer as a Fetch `Response`, for msw: a dropped connection is `Response.error()`; an answer
 * with the status's standard reason phrase is msw's `HttpResponse` (which names it). What the
 * answer knows of its body stays known: {@link knownBodyOf},
 * {@link rawAnswerOf} and {@link isShaped} read it back.
 */
export function toResponse(answer: Answer): Response {
  if (answer.dropped) {
    const response = HttpResponse.error()
    if (answer.dropped.raw) RAW_ANSWERS.set(response, answer.dropped.raw)
    return response
  }
  const { body } = answer
  const payload =
    body === null
      ? null
      : 'bytes' in body
        ? body.bytes.byteLength === 0
          ? null
          : (body.bytes as Uint8Array<ArrayBuffer>)
        : body.stream
  const init = { status: answer.status, headers: [...answer.headers] }
  const response =
    answer.statusText === undefined
      ? new HttpResponse(payload, init)
      : new Response(payload, { ...init, statusText: answer.statusText })
  if (body && 'bytes' in body && body.bytes.byteLength > 0) KNOWN_BODIES.set(response, body)
  if (body && 'stream' in body && body.shaped) SHAPED_BODIES.add(response)
  return response
}

/**
 * The text and bytes of a `Response` {@link toResponse} built from a body known whole, or
 * undefined: a socket transport writes the bytes as they are instead of reading the stream back.
 */
export function knownBodyOf(response: Response): { text: string; bytes: Uint8Array } | undefined {
  return KNOWN_BODIES.get(response)
}

/** The garbage (or no) bytes of a dropped connection's `Response.error()`; undefined: a reset. */
export function rawAnswerOf(response: Response): Uint8Array | undefined {
  return RAW_ANSWERS.get(response)
}

/** Whether a fault cuts or slows the `Response`'s body (see {@link AnswerBody}). */
export function isShaped(response: Response): boolean {
  return SHAPED_BODIES.has(response)
}
