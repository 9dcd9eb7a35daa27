/**
 * One benchmark target in its own process, so the load generator does not share its event loop.
 * Usage: tsx bench/target-server.ts <mock|bare-msw|bare-http> <fixture>; prints `READY <port> <path>`.
 * - mock: the full pipeline (createApp: sessions, auth, faults, journal) over the fixture's data.
 * - bare-msw: the same Express adapter and the same model logic in one plain msw handler.
 * - bare-http: node:http answering the bytes the mock gave for the fixture's request.
 * - http-model: node:http running the fixture's model logic and serializer (its `plain`), with
 *   no msw, Express or Fetch objects.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { getResponse } from 'msw'
import { createApp } from '../server/app.ts'
import { mswMiddleware } from '../server/express-adapter.ts'
import { FIXTURES, fixturePath, fixtureRequest, prepareMock } from './fixtures.ts'

const [kind = 'mock', fixtureName = 'snowflake-list'] = process.argv.slice(2)
const fixture = FIXTURES[fixtureName]
if (!fixture) throw new Error(`unknown fixture ${fixtureName}`)

const mock = await prepareMock(fixture)
const sample = await getResponse(mock.handlers, fixtureRequest(fixture, mock))
if (!sample || sample.status >= 400)
  throw new Error(`the mock answered the fixture with ${sample?.status}`)
const bytes = Buffer.from(await sample.arrayBuffer())
const contentType = sample.headers.get('content-type') ?? 'application/json'

let server: ReturnType<typeof createServer>
if (kind === 'mock') {
  server = createServer(createApp(mock))
} else if (kind === 'bare-msw') {
  const app = express()
  app.use(mswMiddleware([fixture.bare(mock)]))
  server = createServer(app)
} else if (kind === 'bare-http') {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(sample.status, { 'content-type': contentType, 'content-length': bytes.length })
      res.end(bytes)
    })
  })
} else if (kind === 'http-model' && fixture.plain) {
  const plain = fixture.plain
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    req.on('end', () => {
      const json = Buffer.from(
        JSON.stringify(plain(mock, new URL(req.url ?? '/', 'http://bench.local'), body)),
      )
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length })
      res.end(json)
    })
  })
} else {
  throw new Error(`unknown target ${kind}`)
}
server.listen(0, '127.0.0.1', () => {
  // The path too: it may name a record only this process knows (the first Cycle source).
  process.stdout.write(
    `READY ${(server.address() as AddressInfo).port} ${fixturePath(fixture, mock)}\n`,
  )
})
