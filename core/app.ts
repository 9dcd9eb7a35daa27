import express, { type Express } from 'express'
import { mswMiddleware } from './express-adapter.ts'
import type { BuiltMock } from './mock.ts'

/**
 * The standalone server's Express app: every vendor at its real path plus `/__mock`, all through
 * the same msw handlers as in-process use. Anything no handler claims gets a plain JSON 404.
 */
export function createApp(mock: BuiltMock): Express {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')
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
