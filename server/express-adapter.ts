import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from 'express'
import { getResponse, type HttpHandler } from 'msw'
import { type Answer, isShaped, knownBodyOf, rawAnswerOf } from '../core/answer.ts'
import { vendorRouterOf } from '../core/pipeline/routing.ts'
import type { MockRequest } from '../core/request-input.ts'
import { NodeRequest } from './node-request.ts'

/**
 * Express 5 middleware that answers with msw handlers through `getResponse()` (see
 * {@link answerWithHandlers}). Unmatched requests go to `next()`, failures to `next(error)`.
 */
export function mswMiddleware(handlers: HttpHandler[]) {
  const answer = answerWithHandlers(handlers)
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction): void => {
    answer(req, res).then((answered) => {
      if (!answered) next()
    }, next)
  }
}

/** What {@link answerWithHandlers} takes besides the handlers. */
export interface AnswerOptions {
  /**
   * Header fields every answer carries before its own (the standalone server's CORS fields); a
   * field the answer sets too takes the answer's value in the same place.
   */
  headers?: (req: IncomingMessage) => ReadonlyArray<readonly [string, string]>
  /**
   * Answers given before the handlers' (after the vendor router's), as plain data: undefined for
   * a request it leaves to them (see `directControlAnswer` in handlers/control/handlers.ts).
   */
  direct?: (request: MockRequest, url: URL) => Promise<Answer> | undefined
}

/**
 * A `node:http` request listener's core that answers with msw handlers: resolves `true` once it
 * has answered, `false` when no handler claims the request (nothing is written then), and rejects
 * when answering fails. Bodies stream (an export of 10,000 images never becomes one string),
 * `HttpResponse.error()` destroys the socket as a real network failure would, and a client that
 * hangs up aborts the request's signal. It needs nothing from Express, so the standalone server
 * answers vendor requests without Express's router.
 * @note When the first handler is the mock's vendor router (core/pipeline/routing.ts), a vendor
 * request goes through the pipeline read straight from Node's request (server/node-request.ts),
 * and its answer (core/answer.ts) is written straight to the socket: no msw `getResponse`, Fetch
 * `Request` or `Response` on the way; the pipeline, its routes and its answers are the msw
 * handler's. Anything else goes through `getResponse()` with the other handlers, as in-process.
 */
export function answerWithHandlers(
  handlers: HttpHandler[],
  options: AnswerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const [first, ...others] = handlers
  const router = vendorRouterOf(first)
  const fallback = router ? others : handlers
  return async (req, res) => {
    // A wall-clock Date header would break byte-identical replays; bodies carry the session clock.
    res.sendDate = false
    // Express's `originalUrl` when mounted under a path; the request target otherwise.
    const url = requestUrl(
      req.headers.host,
      (req as Partial<ExpressRequest>).originalUrl ?? req.url ?? '/',
    )
    const direct = (router || options.direct) && new NodeRequest(req, res, url)
    const served = direct && (router?.serve(direct, url) ?? options.direct?.(direct, url))
    if (direct && served) {
      // GET and HEAD bodies go to no handler: discard them as they arrive.
      if (!direct.hasBody) req.resume()
      const answer = await served
      await write(answer, req, res, () => direct.aborted, options.headers?.(req) ?? [])
      return true
    }
    const aborter = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort()
    })
    const request = toFetchRequest(req, url, aborter.signal)
    if (request.body === null) req.resume()
    const response = await getResponse(fallback, request)
    if (!response) return false
    const outgoing = await outgoingOf(response)
    await write(outgoing, req, res, () => aborter.signal.aborted, options.headers?.(req) ?? [])
    return true
  }
}

/** What {@link write} sends: an `Answer` (core/answer.ts), or a Fetch `Response` read as one. */
interface Outgoing {
  status: number
  headers: Iterable<[string, string]> & { has(name: string): boolean; getSetCookie(): string[] }
  body: null | { bytes: Uint8Array } | { stream: ReadableStream<Uint8Array>; shaped?: boolean }
  dropped?: { raw?: Uint8Array }
}

/** A handler's `Response` as {@link write} sends it; a body of known length is read whole. */
async function outgoingOf(response: Response): Promise<Outgoing> {
  const { status, headers } = response
  if (response.type === 'error')
    return { status, headers, body: null, dropped: { raw: rawAnswerOf(response) } }
  if (!response.body) return { status, headers, body: null }
  const known = knownBodyOf(response)
  if (known) return { status, headers, body: known }
  if (isShaped(response)) return { status, headers, body: { stream: response.body, shaped: true } }
  if (headers.has('content-length')) {
    return { status, headers, body: { bytes: new Uint8Array(await response.arrayBuffer()) } }
  }
  return { status, headers, body: { stream: response.body } }
}

/**
 * Writes an answer. One of known length (every JSON answer) goes in one `writeHead` with every
 * header and one `end` with its bytes; piping a web stream, or setting headers one by one, costs
 * more than the rest of the request. A body without a length (the NDJSON export) streams,
 * chunked; a dropped connection writes its garbage (or nothing) and closes, or resets. The answer
 * ends only once the client has sent its whole body ({@link requestBodyDone}).
 */
async function write(
  out: Outgoing,
  req: IncomingMessage,
  res: ServerResponse,
  gone: () => boolean,
  before: ReadonlyArray<readonly [string, string]>,
): Promise<void> {
  if (out.dropped) {
    // Garbage or nothing, then a clean close (FIN); any other dropped connection is a reset.
    const raw = out.dropped.raw
    if (raw) req.socket.end(raw)
    // A TCP reset (RST), as a real dropped connection gives: the client sees ECONNRESET.
    else req.socket.resetAndDestroy()
    return
  }
  if (gone()) return
  const { body } = out
  if (body && 'bytes' in body && out.headers.has('content-length')) {
    await requestBodyDone(req)
    try {
      res.writeHead(out.status, headerList(out.headers, before))
    } catch (error) {
      // writeHead names the status's reason before it checks the fields: an error answer must not keep it.
      res.statusMessage = undefined as unknown as string
      throw error
    }
    res.end(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength))
    return
  }
  res.statusCode = out.status
  for (const [name, value] of before) res.setHeader(name, value)
  // Set-Cookie needs every value; other headers are single.
  for (const [name, value] of out.headers) {
    if (name.toLowerCase() !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = out.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  if (!body) {
    await requestBodyDone(req)
    res.end()
    return
  }
  if ('bytes' in body) {
    // No length: chunked, as the one chunk of a stream.
    res.write(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength))
    await requestBodyDone(req)
    res.end()
    return
  }
  if (body.shaped) {
    await requestBodyDone(req)
    await writeShaped(body.stream, res, req)
    return
  }
  const stream = Readable.fromWeb(body.stream as unknown as NodeReadableStream<Uint8Array>)
  stream.on('error', () => req.socket.destroy())
  stream.pipe(res, { end: false })
  stream.once('end', () => {
    requestBodyDone(req).then(() => res.end())
  })
}

/**
 * The header fields for one `writeHead`: `before` first, then the answer's in its order (a field
 * of `before` it sets too is replaced where it stands, as `setHeader` does), its `Set-Cookie`
 * values last.
 */
function headerList(
  headers: Outgoing['headers'],
  before: ReadonlyArray<readonly [string, string]>,
): string[] {
  const list: string[] = []
  for (const [name, value] of before) list.push(name, value)
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue
    const at = before.findIndex(([given]) => given.toLowerCase() === name)
    if (at < 0) list.push(name, value)
    else list.splice(at * 2, 2, name, value)
  }
  for (const cookie of headers.getSetCookie()) list.push('set-cookie', cookie)
  return list
}

/**
 * Writes a body a fault cuts or slows chunk by chunk as the stream gives it. When the stream
 * fails (a truncate fault) the bytes written so far are flushed and the connection closes (FIN),
 * so the client gets fewer bytes than `Content-Length` promised.
 */
async function writeShaped(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  req: IncomingMessage,
): Promise<void> {
  const reader = body.getReader()
  const written = (chunk: Uint8Array) =>
    new Promise<void>((resolve) => res.write(chunk, () => resolve()))
  res.flushHeaders()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (res.destroyed) return void reader.cancel().catch(() => {})
      await written(value)
    }
  } catch {
    req.socket.end()
    return
  }
  res.end()
}

/**
 * The request body as a web stream. Unlike `Readable.toWeb`, cancelling it (a 413 after the first
 * megabyte) drains and discards the rest instead of destroying the socket, so the client still
 * reads the answer and the connection stays usable.
 */
function requestBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
        if ((controller.desiredSize ?? 1) <= 0) req.pause()
      })
      req.once('end', () => controller.close())
      req.once('error', (error) => controller.error(error))
      req.pause()
    },
    pull() {
      req.resume()
    },
    cancel: () => discardRest(req),
  })
}

/**
 * Resolves once the client has sent its whole body, discarding what no handler read (a GET's body,
 * the rest after a 413). Ending the answer earlier lets Node close a `Connection: close` socket
 * with unread bytes in it, which the kernel turns into a reset the client sees mid-answer.
 */
function requestBodyDone(req: IncomingMessage): Promise<void> {
  if (req.complete) return Promise.resolve()
  discardRest(req)
  return new Promise((resolve) => {
    req.once('end', resolve)
    req.once('close', resolve)
    req.once('error', () => resolve())
  })
}

/** Reads and drops whatever of the body is still coming, keeping the connection usable. */
function discardRest(req: IncomingMessage): void {
  req.removeAllListeners('data')
  req.resume()
}

/**
 * The request's absolute URL: an absolute-form target as it is; any other concatenated, not
 * resolved: a path starting `//` is a path here, not a network-path reference. A Host header that is no host (`a/b`, `x y`) is read as localhost.
 */
function requestUrl(host: string | undefined, path: string): URL {
  // An absolute-form target (a client using the mock as its HTTP proxy) names its own host, which
  // wins over Host (RFC 9112, section 3.2.2).
  if (!path.startsWith('/')) {
    try {
      const url = new URL(path)
      if (url.protocol === 'http:' || url.protocol === 'https:') return url
    } catch {
      // Not a URL: read as a path below.
    }
  }
  const named = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : 'localhost'
  try {
    return new URL(`http://${named}${path}`)
  } catch {
    return new URL(`http://localhost${path}`)
  }
}

function toFetchRequest(req: IncomingMessage, url: URL, signal: AbortSignal): Request {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(url, {
    method,
    headers,
    body: hasBody ? requestBody(req) : undefined,
    // Node's fetch Request needs this to accept a streamed body.
    ...(hasBody ? { duplex: 'half' } : {}),
    signal,
  } as RequestInit)
}
