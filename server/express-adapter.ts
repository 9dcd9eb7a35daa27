import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from 'express'
import { getResponse, type HttpHandler } from 'msw'
import { jsonBytesOf } from '../core/json-response.ts'
import { vendorRouterOf } from '../core/pipeline/routing.ts'
import { RAW_ANSWERS, SHAPED_BODIES } from '../core/pipeline/shape-body.ts'
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

/**
 * A `node:http` request listener's core that answers with msw handlers: resolves `true` once it
 * has answered, `false` when no handler claims the request (nothing is written then), and rejects
 * when answering fails. Bodies stream (an export of 10,000 images never becomes one string),
 * `HttpResponse.error()` destroys the socket as a real network failure would, and a client that
 * hangs up aborts the request's signal. It needs nothing from Express, so the standalone server
 * answers vendor requests without Express's router.
 * @note When the first handler is the mock's vendor router (core/pipeline/routing.ts), a vendor
 * request goes through the pipeline read straight from Node's request (server/node-request.ts),
 * without msw's `getResponse` and the Fetch `Request` it needs; the pipeline, its routes and its
 * answers are the msw handler's. Anything else goes through `getResponse()` with the other
 * handlers, as in-process.
 */
export function answerWithHandlers(
  handlers: HttpHandler[],
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
    let response: Response | undefined
    let gone: () => boolean
    const direct = router && new NodeRequest(req, res, url)
    const served = direct && router.serve(direct, url)
    if (direct && served) {
      // GET and HEAD bodies go to no handler: discard them as they arrive.
      if (!direct.hasBody) req.resume()
      response = await served
      gone = () => direct.aborted
    } else {
      const aborter = new AbortController()
      res.on('close', () => {
        if (!res.writableFinished) aborter.abort()
      })
      const request = toFetchRequest(req, url, aborter.signal)
      if (request.body === null) req.resume()
      response = await getResponse(fallback, request)
      if (!response) return false
      gone = () => aborter.signal.aborted
    }
    if (response.type === 'error') {
      // Garbage or nothing, then a clean close (FIN); any other dropped connection is a reset.
      const raw = RAW_ANSWERS.get(response)
      if (raw) req.socket.end(raw)
      else req.socket.destroy()
      return true
    }
    if (gone()) return true
    res.statusCode = response.status
    // Set-Cookie needs every value; other headers are single.
    for (const [name, value] of response.headers) {
      if (name.toLowerCase() !== 'set-cookie') res.setHeader(name, value)
    }
    const cookies = response.headers.getSetCookie()
    if (cookies.length > 0) res.setHeader('set-cookie', cookies)
    if (!response.body) {
      await requestBodyDone(req)
      res.end()
      return true
    }
    // A body of known length (every JSON answer) is written at once, a mock answer's from the
    // bytes it was built from; piping a web stream costs more than the rest of the request.
    // Bodies without a length (the NDJSON export) stream.
    const known = jsonBytesOf(response)
    if (known) {
      await requestBodyDone(req)
      res.end(Buffer.from(known.buffer, known.byteOffset, known.byteLength))
      return true
    }
    if (SHAPED_BODIES.has(response)) {
      await requestBodyDone(req)
      await writeShaped(response.body, res, req)
      return true
    }
    if (response.headers.has('content-length')) {
      const bytes = Buffer.from(await response.arrayBuffer())
      await requestBodyDone(req)
      res.end(bytes)
      return true
    }
    const body = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>)
    body.on('error', () => req.socket.destroy())
    body.pipe(res, { end: false })
    body.once('end', () => {
      requestBodyDone(req).then(() => res.end())
    })
    return true
  }
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
 * The request's absolute URL. Concatenated, not resolved: a path starting `//` is a path here, not
 * a network-path reference. A Host header that is no host (`a/b`, `x y`) is read as localhost.
 */
function requestUrl(host: string | undefined, path: string): URL {
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
