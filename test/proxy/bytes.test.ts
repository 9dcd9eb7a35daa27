import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { CYCLE_HUB } from './scripts.ts'
import { type Listening, serveRaw } from './support.ts'

const open: Array<Listening | Harness> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

const SOURCES = '/v1/images/sources'
const CYCLE_AUTH = { Authorization: 'Bearer cycle-proxy-token', 'X-Hub-Id': CYCLE_HUB }
const LIST = JSON.stringify({ data: [] })

/** An upstream that answers every request with these headers and bytes. */
async function upstreamAnswering(headers: Record<string, string>, bytes: Buffer) {
  const upstream = await serveRaw((_req, res) => {
    res.writeHead(200, { ...headers, 'content-length': String(bytes.byteLength) })
    res.end(bytes)
  })
  open.push(upstream)
  return upstream
}

describe.each(TRANSPORTS)('a proxied answer’s bytes (%s)', (transport) => {
  async function proxyTo(upstream: Listening): Promise<Harness> {
    const proxy = await startHarness(transport, { proxy: { upstreams: { cycle: upstream.url } } })
    open.push(proxy)
    return proxy
  }

  it.each([
    ['a UTF-8 byte-order mark', 'application/json', Buffer.from(`\uFEFF${LIST}`)],
    [
      'UTF-16LE with its byte-order mark',
      'application/json; charset=utf-16le',
      Buffer.from(`\uFEFF${LIST}`, 'utf16le'),
    ],
    [
      'Latin-1 (bytes that are not UTF-8)',
      'application/json; charset=iso-8859-1',
      Buffer.from('{"data":[],"note":"caf\xe9"}', 'latin1'),
    ],
    ['bytes that are no text at all', 'application/json', Buffer.from([0xff, 0xfe, 0x00, 0xc3])],
  ])('reach the caller exactly, %s included, with their own length', async (_what, type, bytes) => {
    const proxy = await proxyTo(await upstreamAnswering({ 'content-type': type }, bytes))
    const answer = await proxy.fetch(SOURCES, { headers: CYCLE_AUTH })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe(type)
    expect(answer.headers.get('content-length')).toBe(String(bytes.byteLength))
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes)).toBe(true)
    // The journal's preview is read from a copy, decoded in the declared charset.
    const [entry] = proxy.mock.journal.find({ operation: 'cycle.getImageSources' })
    expect(entry?.responseBody).toBe(new TextDecoder(type.split('charset=')[1]).decode(bytes))
  })

  it('passes on a gzip answer decoded, with its decoded length and no Content-Encoding', async () => {
    const upstream = await serveRaw((req, res) => {
      const bytes = gzipSync(LIST)
      // The caller's Accept-Encoding reaches the upstream, which chooses by it.
      expect(req.headers['accept-encoding']).toBe('gzip')
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bytes.byteLength),
      })
      res.end(bytes)
    })
    open.push(upstream)
    const proxy = await proxyTo(upstream)
    const answer = await proxy.fetch(SOURCES, {
      headers: { ...CYCLE_AUTH, 'Accept-Encoding': 'gzip' },
    })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-encoding')).toBeNull()
    expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(LIST)))
    expect(await answer.text()).toBe(LIST)
  })

  it('passes on a body in a coding it cannot read as sent, its Content-Encoding kept', async () => {
    const bytes = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x01, 0x02, 0x03])
    const proxy = await proxyTo(
      await upstreamAnswering(
        { 'content-type': 'application/json', 'content-encoding': 'compress' },
        bytes,
      ),
    )
    const answer = await proxy.fetch(SOURCES, {
      headers: { ...CYCLE_AUTH, 'Accept-Encoding': 'compress' },
    })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-encoding')).toBe('compress')
    expect(answer.headers.get('content-length')).toBe(String(bytes.byteLength))
    expect(Buffer.from(await answer.arrayBuffer()).equals(bytes)).toBe(true)
    // Nothing it could not read is reported as drift.
    expect(answer.headers.get('x-mock-violations')).toBeNull()
  })
})
