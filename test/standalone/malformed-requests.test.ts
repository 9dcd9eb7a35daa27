/**
 * Requests Node's HTTP parser refuses before any handler sees them get a JSON error that says
 * what was wrong (not Node's bare 400 with no body), and the server goes on answering.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

let bundle: Awaited<ReturnType<typeof buildServerBundle>>
let base: URL

beforeAll(async () => {
  bundle = await buildServerBundle()
  base = new URL(await startServer(bundle.file, ['--port', '0']).url())
}, 120_000)
afterAll(async () => {
  killServers()
  await bundle?.dispose()
})

/** Writes `text` to a new connection and reads until the server closes it. */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname, () => socket.write(text))
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      received += chunk
    })
    socket.on('close', () => resolve(received))
    socket.on('error', reject)
  })
}

function parse(answer: string): { statusLine: string; body: unknown } {
  const split = answer.indexOf('\r\n\r\n')
  return {
    statusLine: answer.slice(0, answer.indexOf('\r\n')),
    body: JSON.parse(answer.slice(split + 4)),
  }
}

describe('requests the HTTP parser refuses', () => {
  it.each([
    [
      'two Content-Length fields',
      'GET /api/v2/databases HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'HTTP/1.1 400 Bad Request',
      /Duplicate Content-Length/,
    ],
    [
      'headers past 16 KB',
      `GET /api/v2/databases HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'HTTP/1.1 431 Request Header Fields Too Large',
      /Header overflow/,
    ],
    [
      'a bad chunk size',
      'POST /api/v2/databases HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 400 Bad Request',
      /HPE_INVALID_CHUNK_SIZE/,
    ],
  ])(
    '%s: a JSON error naming the fault, then the server answers on',
    async (_, text, statusLine, message) => {
      const answer = parse(await raw(text))
      expect(answer.statusLine).toBe(statusLine)
      expect(answer.body).toEqual({
        error: {
          status: Number(statusLine.split(' ')[1]),
          message: expect.stringMatching(message),
        },
      })
      const health = await fetch(new URL('/__mock/health', base))
      expect(health.status).toBe(200)
    },
  )
})
