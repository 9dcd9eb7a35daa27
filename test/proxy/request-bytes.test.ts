import type { IncomingMessage } from 'node:http'
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
const SNOWFLAKE_AUTH = { Authorization: 'Bearer snowflake-token' }
const SOURCE =
  '{"name":"caf\u00e9","type":"direct","origin":{"type":"docker-hub","details":{"target":"nginx:1"}}}'

async function bytesOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe.each(TRANSPORTS)('a proxied request’s body (%s)', (transport) => {
  it.each([
    ['a UTF-8 byte-order mark', 'application/json', Buffer.from(`\uFEFF${SOURCE}`)],
    [
      'UTF-16LE with its byte-order mark',
      'application/json; charset=utf-16le',
      Buffer.from(`\uFEFF${SOURCE}`, 'utf16le'),
    ],
    [
      'Latin-1 (bytes that are not UTF-8)',
      'application/json; charset=iso-8859-1',
      Buffer.from(SOURCE, 'latin1'),
    ],
    ['bytes that are no text at all', 'application/json', Buffer.from([0xff, 0xfe, 0x00, 0xc3])],
  ])('reaches the upstream byte for byte, %s included', async (_what, type, bytes) => {
    const received: Array<{ type: string | undefined; length: string | undefined; body: Buffer }> =
      []
    const upstream = await serveRaw(async (req, res) => {
      received.push({
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        body: await bytesOf(req),
      })
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end('{}')
    })
    open.push(upstream)
    const proxy = await startHarness(transport, { proxy: { upstreams: { cycle: upstream.url } } })
    open.push(proxy)
    const answer = await proxy.fetch(SOURCES, {
      method: 'POST',
      headers: { ...CYCLE_AUTH, 'Content-Type': type },
      body: bytes,
    })
    expect(answer.status).toBe(201)
    expect(received).toHaveLength(1)
    expect(received[0]?.type).toBe(type)
    expect(received[0]?.length).toBe(String(bytes.byteLength))
    expect(received[0]?.body.equals(bytes)).toBe(true)
  })
})

describe.each(TRANSPORTS)('a JSON body in a declared charset (%s)', (transport) => {
  async function mock(): Promise<Harness> {
    const harness = await startHarness(transport)
    open.push(harness)
    return harness
  }

  it('is read in that charset by Cycle (Latin-1 é, not U+FFFD)', async () => {
    const harness = await mock()
    const created = await harness.fetch(SOURCES, {
      method: 'POST',
      headers: { ...CYCLE_AUTH, 'Content-Type': 'application/json; charset=iso-8859-1' },
      body: Buffer.from(SOURCE, 'latin1'),
    })
    expect(created.status).toBe(201)
    expect(((await created.json()) as { data: { name: string } }).data.name).toBe('caf\u00e9')
  })

  it('is read in that charset by Snowflake (UTF-16LE with its byte-order mark)', async () => {
    const harness = await mock()
    const body = Buffer.from('\uFEFF{"name":"charset_db","comment":"na\u00efve"}', 'utf16le')
    const created = await harness.fetch('/api/v2/databases', {
      method: 'POST',
      headers: { ...SNOWFLAKE_AUTH, 'Content-Type': 'application/json; charset="UTF-16LE"' },
      body,
    })
    expect(created.status).toBe(200)
    const read = await harness.fetch('/api/v2/databases/charset_db', { headers: SNOWFLAKE_AUTH })
    expect(((await read.json()) as { comment: string }).comment).toBe('na\u00efve')
  })

  it.each([
    ['utf-7', 'utf-7'],
    ['a quoted unknown label', '"x-unknown"'],
    ['the WHATWG replacement encoding', 'replacement'],
    ['empty and quoted', '""'],
    ['8,000 characters long', `"${'u'.repeat(8000)}"`],
  ])(
    'is refused with the vendor’s 415 when the charset is %s, nothing stored',
    async (_what, charset) => {
      const harness = await mock()
      const type = `application/json; charset=${charset}`
      const cycle = await harness.fetch(SOURCES, {
        method: 'POST',
        headers: { ...CYCLE_AUTH, 'Content-Type': type },
        body: SOURCE,
      })
      expect(cycle.status).toBe(415)
      const cycleError = ((await cycle.json()) as { error: { code: string; detail: string } }).error
      expect(cycleError.code).toBe('415.invalid-content-type')
      expect(cycleError.detail.length).toBeLessThan(200)
      const snowflake = await harness.fetch('/api/v2/databases', {
        method: 'POST',
        headers: { ...SNOWFLAKE_AUTH, 'Content-Type': type },
        body: '{"name":"refused_db"}',
      })
      expect(snowflake.status).toBe(415)
      const snowflakeError = (await snowflake.json()) as { message: string }
      expect(snowflakeError.message).toMatch(/^Unsupported media type/)
      expect(snowflakeError.message.length).toBeLessThan(200)
      const list = await harness.fetch(SOURCES, { headers: CYCLE_AUTH })
      const names = ((await list.json()) as { data: Array<{ name: string }> }).data.map(
        (s) => s.name,
      )
      expect(names).not.toContain('caf\u00e9')
      const db = await harness.fetch('/api/v2/databases/refused_db', { headers: SNOWFLAKE_AUTH })
      expect(db.status).toBe(404)
    },
  )
})
