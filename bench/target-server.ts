/**
 * One benchmark target in its own process, so the load generator does not share its event loop.
 * Usage: tsx bench/target-server.ts <mock|bare-http|bare-msw> <fixture>; prints `READY <port>`.
 * `bare-http` and `bare-msw` answer every request with the bytes the mock gave for the fixture's
 * request, so all three send identical responses.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { getResponse, HttpResponse, http } from 'msw'
import { createApp } from '../core/app.ts'
import { mswMiddleware } from '../core/express-adapter.ts'
import { FIXTURES, prepareMock } from './fixtures.ts'

const [kind = 'mock', fixtureName = 'snowflake-list'] = process.argv.slice(2)
const fixture = FIXTURES[fixtureName]
if (!fixture) throw new Error(`unknown fixture ${fixtureName}`)

const mock = await prepareMock(fixture)
// The bytes the mock answers for this request, for the baselines.
const sample = await getResponse(
  mock.handlers,
  new Request(`http://bench.local${fixture.path}`, fixture.init()),
)
if (!sample) throw new Error('the mock did not answer the fixture request')
const bytes = Buffer.from(await sample.arrayBuffer())
const contentType = sample.headers.get('content-type') ?? 'application/json'

let server: ReturnType<typeof createServer>
if (kind === 'mock') {
  server = createServer(createApp(mock))
} else if (kind === 'bare-http') {
  server = createServer((req, res) => {
    req.resume()
    res.writeHead(sample.status, { 'content-type': contentType, 'content-length': bytes.length })
    res.end(bytes)
  })
} else if (kind === 'bare-msw') {
  const app = express()
  app.use(
    mswMiddleware([
      http.all(
        '*',
        () =>
          new HttpResponse(bytes, {
            status: sample.status,
            headers: { 'content-type': contentType },
          }),
      ),
    ]),
  )
  server = createServer(app)
} else {
  throw new Error(`unknown target ${kind}`)
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`)
})
