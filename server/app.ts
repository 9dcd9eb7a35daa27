import express, { type Express } from 'express'
import type { BuiltMock } from '../core/mock.ts'
import { mswMiddleware } from './express-adapter.ts'

/**
 * The standalone server's Express app: every vendor at its real path plus `/__mock`, all through
 * the same msw handlers as in-process use. Anything no handler claims gets a plain JSON 404.
 */
export function createApp(mock: BuiltMock): Express {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')
  // Frontends on another origin point straight at the mock, so answer CORS for everyone and let
  // them read Retry-After and the vendors' request-id headers.
  app.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*')
    res.setHeader('Vary', 'Origin')
    res.setHeader('Access-Control-Expose-Headers', '*')
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return next()
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
    res.setHeader(
      'Access-Control-Allow-Headers',
      req.headers['access-control-request-headers'] ?? '*',
    )
    res.setHeader('Access-Control-Max-Age', '600')
    res.status(204).end()
  })
  app.use(mswMiddleware(mock.handlers))
  app.use((req, res) => {
    res.status(404).json({
      error: {
        status: 404,
        message: `No mocked API serves ${req.method} ${req.path}; see GET /__mock/health`,
      },
    })
  })
  return app
}
