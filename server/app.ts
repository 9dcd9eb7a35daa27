import type { IncomingMessage, ServerResponse } from 'node:http'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import type { BuiltMock } from '../core/mock.ts'
import { directControlAnswer } from '../handlers/control/handlers.ts'
import { answerWithHandlers } from './express-adapter.ts'

/** Express 5's entry point for a request (`app(req, res)` calls it); untyped in its types. */
type Handle = (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void
/** Set on a request the handlers did not answer: the outcome Express's chain then passes on. */
const HANDLERS_OUTCOME = Symbol('handlers outcome')
type Passed = IncomingMessage & { [HANDLERS_OUTCOME]?: { error?: unknown } }

/**
 * The standalone server's Express app: every vendor at its real path plus `/__mock`, all through
 * the same msw handlers as in-process use. Anything no handler claims gets a plain JSON 404.
 */
export function createApp(mock: BuiltMock): Express {
  const app = express() as Express & { handle: Handle }
  app.disable('x-powered-by')
  app.disable('etag')
  app.use((req, res, next) => {
    allowCrossOrigin(req, res)
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return next()
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
    res.setHeader(
      'Access-Control-Allow-Headers',
      req.headers['access-control-request-headers'] ?? '*',
    )
    res.setHeader('Access-Control-Max-Age', '600')
    res.status(204).end()
  })
  // Fetch's Request cannot carry TRACE, CONNECT or TRACK, and no vendor serves them: refuse them
  // here rather than let the adapter fail.
  app.use((req, res, next) => {
    if (FETCH_METHODS.has(req.method)) return next()
    res
      .status(405)
      .setHeader('Allow', [...FETCH_METHODS].join(', '))
      .json({ error: { status: 405, message: `Method ${req.method} is not served by this mock` } })
  })
  // Only what the handlers did not answer comes this way (see the fast path below).
  app.use((req: Passed, _res, next) => next(req[HANDLERS_OUTCOME]?.error))
  app.use((req, res) => {
    res.status(404).json({
      error: {
        status: 404,
        message: `No mocked API serves ${req.method} ${req.path}; see GET /__mock/health`,
      },
    })
  })
  // Never Express's HTML page with a stack trace: a failure the handlers did not turn into a vendor
  // error is logged and answered as plain JSON.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    console.error(`[image-registry-mock] ${req.method} ${req.path} failed unexpectedly:`, error)
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.status(500).json({ error: { status: 500, message: 'The mock failed on this request' } })
  })
  // Every request the handlers may answer (a fetch method, not a CORS preflight) goes to them first,
  // without Express: its router and its request and response objects cost more per request than
  // the mock's own routing. What they leave (no handler claimed it, or answering failed) goes
  // through Express's chain as before, its outcome carried on the request.
  // The control API's health answer too, which readiness probes poll: the first answer of a
  // server just started then needs neither msw's matching nor Node's Fetch classes.
  const answer = answerWithHandlers(mock.handlers, {
    headers: corsHeaders,
    direct: (request, url) => directControlAnswer(mock, request, url),
  })
  const viaExpress: Handle = app.handle.bind(app)
  app.handle = (req: Passed, res, callback) => {
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method']
    if (preflight || !FETCH_METHODS.has(req.method ?? '')) {
      viaExpress(req, res, callback)
      return
    }
    answer(req, res).then(
      (answered) => {
        if (answered) return
        req[HANDLERS_OUTCOME] = {}
        viaExpress(req, res, callback)
      },
      (error: unknown) => {
        req[HANDLERS_OUTCOME] = { error }
        viaExpress(req, res, callback)
      },
    )
  }
  return app
}

/**
 * Frontends on another origin point straight at the mock, so answer CORS for everyone and let them
 * read Retry-After and the vendors' request-id headers.
 */
function allowCrossOrigin(req: IncomingMessage, res: ServerResponse): void {
  for (const [name, value] of corsHeaders(req)) res.setHeader(name, value)
}

/** The CORS fields of every answer (see {@link allowCrossOrigin}), in the order they go out. */
function corsHeaders(req: IncomingMessage): Array<[string, string]> {
  return [
    ['Access-Control-Allow-Origin', req.headers.origin ?? '*'],
    ['Vary', 'Origin'],
    ['Access-Control-Expose-Headers', '*'],
  ]
}

/** The methods a fetch `Request` can carry (and the vendors use). */
const FETCH_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
