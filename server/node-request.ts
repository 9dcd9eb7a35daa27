import type { IncomingMessage, ServerResponse } from 'node:http'
import { normalizeHeaderValue } from '../core/answer.ts'
import { bodyTooLarge, EMPTY_BODY, refuseDeclaredTooLarge } from '../core/body.ts'
import type { MockRequest, RequestHeaders } from '../core/request-input.ts'

/**
 * A `node:http` request as the pipeline reads it (core/request-input.ts), built from what Node
 * already parsed: no Fetch `Request`, `Headers`, `AbortController` or web stream unless a step
 * asks for one. Header fields are read from `rawHeaders` on first use, the abort signal is created
 * on first read, and the body is read from the socket when the pipeline's read-body step asks.
 */
export class NodeRequest implements MockRequest {
  readonly method: string
  readonly url: string
  readonly #req: IncomingMessage
  #headers: NodeHeaders | undefined
  #aborter: AbortController | undefined
  #gone = false

  /**
   * @param url the request's URL, parsed (see `requestUrl` in server/express-adapter.ts)
   * @param res its response: a close before the answer finished means the client has gone
   */
  constructor(req: IncomingMessage, res: ServerResponse, url: URL) {
    this.#req = req
    this.method = req.method ?? 'GET'
    this.url = url.href
    res.once('close', () => {
      if (res.writableFinished) return
      this.#gone = true
      this.#aborter?.abort()
    })
  }

  get headers(): RequestHeaders {
    this.#headers ??= new NodeHeaders(this.#req.rawHeaders)
    return this.#headers
  }

  get signal(): AbortSignal {
    if (!this.#aborter) {
      this.#aborter = new AbortController()
      if (this.#gone) this.#aborter.abort()
    }
    return this.#aborter.signal
  }

  get aborted(): boolean {
    return this.#gone
  }

  /** Whether the method carries a body to read (a GET's or a HEAD's is discarded unread). */
  get hasBody(): boolean {
    return this.method !== 'GET' && this.method !== 'HEAD'
  }

  /**
   * The body's bytes, read from the socket as they come. Past `maxBytes` the rest is read and
   * dropped (not the socket destroyed), so the client still reads the 413 and the connection
   * stays usable.
   */
  readBody(maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
    refuseDeclaredTooLarge(this.headers.get('content-length'), maxBytes)
    if (!this.hasBody) return Promise.resolve(EMPTY_BODY)
    const req = this.#req
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let total = 0
      const onData = (chunk: Buffer) => {
        total += chunk.byteLength
        if (total <= maxBytes) return void chunks.push(chunk)
        req.off('data', onData)
        req.off('end', onEnd)
        req.off('error', onError)
        req.resume()
        reject(bodyTooLarge(maxBytes))
      }
      const onEnd = () => {
        req.off('error', onError)
        if (total === 0) return resolve(EMPTY_BODY)
        const joined = new Uint8Array(total)
        let offset = 0
        for (const chunk of chunks) {
          joined.set(chunk, offset)
          offset += chunk.byteLength
        }
        resolve(joined)
      }
      // A request stream fails only when its connection does: the client has gone.
      const onError = (error: Error) => {
        this.#gone = true
        reject(error)
      }
      req.on('data', onData)
      req.once('end', onEnd)
      req.once('error', onError)
    })
  }
}

/**
 * Header fields from Node's `rawHeaders` (names as sent, values in order), read as the Fetch
 * `Headers` reads them: lower-case names, values without leading or trailing whitespace, a
 * repeated field's values joined with `, `, iterated sorted by name with each `Set-Cookie` on its
 * own. Node's own `req.headers` differs (it drops repeats of some fields, joins `Cookie` with
 * `; `), so journal entries would change with the transport.
 */
class NodeHeaders implements RequestHeaders {
  readonly #fields = new Map<string, string[]>()

  constructor(raw: readonly string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase()
      const value = normalizeHeaderValue(raw[i + 1] as string)
      const values = this.#fields.get(name)
      if (values) values.push(value)
      else this.#fields.set(name, [value])
    }
  }

  get(name: string): string | null {
    return this.#fields.get(name.toLowerCase())?.join(', ') ?? null
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase())
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    const names = [...this.#fields.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    for (const name of names) {
      const values = this.#fields.get(name) as string[]
      if (name === 'set-cookie') for (const value of values) yield [name, value]
      else yield [name, values.join(', ')]
    }
  }
}
