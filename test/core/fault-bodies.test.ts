import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dribblePace } from '../../core/pipeline/shape-body.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories'
const CREATE = 'snowflake.createImageRepository'

/** What a raw socket receives for one request: every byte until the server closes. */
function rawExchange(baseUrl: string, path: string): Promise<{ bytes: Buffer; closed: 'fin' }> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer t\r\n\r\n`)
    })
    socket.on('data', (chunk) => chunks.push(chunk))
    // 'end' is the peer's FIN; a reset would be an 'error' instead.
    socket.on('end', () => {
      socket.destroy()
      resolve({ bytes: Buffer.concat(chunks), closed: 'fin' })
    })
    socket.on('error', reject)
  })
}

describe.each(TRANSPORTS)('broken and slow bodies (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
    for (const name of ['alpha', 'beta', 'gamma']) {
      const created = await h.fetch(REPOS, {
        method: 'POST',
        headers: JSON_AUTH,
        body: JSON.stringify({ name }),
      })
      expect(created.status).toBe(200)
    }
  })
  afterEach(() => h.close())

  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
  }
  const ruleError = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status).toBe(400)
    return (await response.json()).error.message as string
  }
  const realAnswer = async () => {
    const response = await h.fetch(REPOS, { headers: AUTH })
    expect(response.status).toBe(200)
    return Buffer.from(await response.arrayBuffer())
  }
  const listEntries = () => h.mock.journal.find({ operation: LIST })

  it('truncate: the real status and headers, then a body read that fails', async () => {
    const whole = await realAnswer()
    await addRule({
      id: 'cut',
      match: { operation: LIST },
      effect: { network: 'truncate', bytes: 10 },
    })
    const response = await h.fetch(REPOS, { headers: AUTH })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe(String(whole.length))
    expect(response.headers.get('x-mock-fault')).toBe('cut')
    await expect(response.text()).rejects.toThrow()
    expect(listEntries().at(-1)).toMatchObject({ status: 200, network: 'truncate', fault: 'cut' })
  })

  it('garbage and empty: no answer reaches fetch', async () => {
    await addRule({
      id: 'junk',
      match: { operation: LIST },
      effect: { network: 'garbage' },
      times: 1,
    })
    await addRule({
      id: 'none',
      match: { operation: LIST },
      effect: { network: 'empty' },
      times: 1,
    })
    await expect(h.fetch(REPOS, { headers: AUTH })).rejects.toThrow(TypeError)
    await expect(h.fetch(REPOS, { headers: AUTH })).rejects.toThrow(TypeError)
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
    expect(listEntries().map((e) => [e.status, e.network, e.fault])).toEqual([
      [0, 'garbage', 'junk'],
      [0, 'empty', 'none'],
      [200, null, null],
    ])
  })

  it('garbage before the operation does not run it; afterCommit does', async () => {
    await addRule({ match: { operation: CREATE }, effect: { network: 'empty' }, times: 1 })
    await addRule({
      match: { operation: CREATE },
      effect: { network: 'garbage', when: 'afterCommit' },
      times: 1,
    })
    const create = (name: string) =>
      h.fetch(REPOS, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ name }) })
    await expect(create('never')).rejects.toThrow(TypeError)
    await expect(create('kept')).rejects.toThrow(TypeError)
    const names = (
      (await (await h.fetch(REPOS, { headers: AUTH })).json()) as Array<{ name: string }>
    ).map((r) => r.name)
    expect(names).toContain('KEPT')
    expect(names).not.toContain('NEVER')
  })

  it('bytesPerSecond: the whole real answer, no faster than the rate', async () => {
    const whole = await realAnswer()
    const rate = Math.ceil(whole.length / 0.4)
    await addRule({ id: 'slow', match: { operation: LIST }, effect: { bytesPerSecond: rate } })
    const started = performance.now()
    const response = await h.fetch(REPOS, { headers: AUTH })
    expect(response.headers.get('x-mock-fault')).toBe('slow')
    expect(response.headers.get('content-length')).toBe(String(whole.length))
    const body = Buffer.from(await response.arrayBuffer())
    const elapsed = performance.now() - started
    expect(body.equals(whole)).toBe(true)
    // One chunk goes at once, the rest a tick apart: at least 0.4 s less one 50 ms tick.
    expect(elapsed).toBeGreaterThanOrEqual(340)
    expect(listEntries().at(-1)).toMatchObject({ status: 200, network: null, fault: 'slow' })
  })

  it('refuses body faults that make no sense, naming the field', async () => {
    expect(await ruleError({ effect: { network: 'truncate' } })).toMatch(
      /effect\.bytes: network truncate needs bytes/,
    )
    expect(await ruleError({ effect: { network: 'reset', bytes: 3 } })).toMatch(
      /effect\.bytes: goes only with network truncate/,
    )
    expect(await ruleError({ effect: { network: 'empty', bytesPerSecond: 3 } })).toMatch(
      /effect\.bytesPerSecond/,
    )
    expect(await ruleError({ effect: { bytesPerSecond: 0 } })).toMatch(/effect\.bytesPerSecond/)
    expect(
      await ruleError({ effect: { network: 'truncate', bytes: 1, when: 'afterCommit' } }),
    ).toMatch(/effect\.when/)
  })

  it('same rules, seed and requests give the same journal', async () => {
    const run = async () => {
      await h.close()
      h = await startHarness(transport, { seed: 7 })
      await addRule({
        match: { operation: LIST },
        effect: { network: 'truncate', bytes: 4 },
        probability: 0.5,
      })
      await addRule({
        match: { operation: LIST },
        effect: { network: 'garbage' },
        probability: 0.5,
      })
      for (let i = 0; i < 8; i++) {
        await h
          .fetch(REPOS, { headers: AUTH })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined)
      }
      // Wall time and the listening port differ between runs, by design.
      return listEntries().map(({ durationMs: _d, receivedAt: _r, requestHeaders, ...entry }) => ({
        ...entry,
        requestHeaders: { ...requestHeaders, host: '' },
      }))
    }
    const first = await run()
    expect(new Set(first.map((e) => e.network)).size).toBeGreaterThan(1)
    expect(await run()).toEqual(first)
  })

  it.each([1, 7, 29])(
    'bytesPerSecond %i: about that many bytes a second, not a byte every 50 ms',
    async (rate) => {
      await addRule({ match: { operation: LIST }, effect: { bytesPerSecond: rate } })
      const aborter = new AbortController()
      const window = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))
      const response = await h.fetch(REPOS, { headers: AUTH, signal: aborter.signal })
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      let received = 0
      for (;;) {
        const next = await Promise.race([reader.read(), window])
        if (!next || next.done) break
        received += next.value.length
      }
      aborter.abort()
      reader.cancel().catch(() => {})
      // One chunk at once, then `rate` a second: before, any rate below 30 sent ~20 B/s.
      expect(received).toBeLessThanOrEqual(rate + 2)
      expect(received).toBeGreaterThanOrEqual(Math.max(1, Math.floor(rate * 0.6)))
    },
  )

  it('dribblePace keeps every rate exact', () => {
    for (let rate = 1; rate <= 2000; rate++) {
      const { chunk, tickMs } = dribblePace(rate)
      expect((chunk * 1000) / tickMs).toBeCloseTo(rate, 9)
      expect(tickMs).toBeLessThanOrEqual(rate < 20 ? 1000 : 50)
    }
  })

  it('truncate with bytes past the end: the whole body, then no end of message', async () => {
    const whole = await realAnswer()
    await addRule({
      id: 'cut-late',
      match: { operation: LIST },
      effect: { network: 'truncate', bytes: whole.length + 100 },
    })
    const response = await h.fetch(REPOS, { headers: AUTH })
    expect(response.status).toBe(200)
    // No length to fall short of: the message itself is left unfinished.
    expect(response.headers.get('content-length')).toBeNull()
    await expect(response.text()).rejects.toThrow()
    expect(listEntries().at(-1)).toMatchObject({ network: 'truncate', fault: 'cut-late' })
  })

  it.runIf(transport === 'express')(
    'over a socket: truncate past the end sends every body byte chunked, then FIN without the last chunk',
    async () => {
      const whole = await realAnswer()
      await addRule({
        match: { operation: LIST },
        effect: { network: 'truncate', bytes: whole.length },
      })
      const { bytes } = await rawExchange(h.baseUrl, REPOS)
      const text = bytes.toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      expect(text.slice(0, split)).toMatch(/\r\ntransfer-encoding: chunked/i)
      expect(text.slice(0, split)).not.toMatch(/\r\ncontent-length:/i)
      const body = text.slice(split + 4)
      expect(body).toContain(whole.toString('latin1'))
      expect(body.endsWith('0\r\n\r\n')).toBe(false)
    },
  )

  it.runIf(transport === 'express')(
    'over a socket: truncate sends the status line, headers and exactly N body bytes, then FIN',
    async () => {
      const whole = await realAnswer()
      await addRule({ match: { operation: LIST }, effect: { network: 'truncate', bytes: 7 } })
      const { bytes } = await rawExchange(h.baseUrl, REPOS)
      const text = bytes.toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      expect(text.startsWith('HTTP/1.1 200 ')).toBe(true)
      expect(text.slice(0, split)).toMatch(
        new RegExp(`\\r\\ncontent-length: ${whole.length}\\r\\n`, 'i'),
      )
      const body = bytes.subarray(split + 4)
      expect(body.equals(whole.subarray(0, 7))).toBe(true)
    },
  )

  it.runIf(transport === 'express')(
    'over a socket: garbage is no HTTP, empty is zero bytes, each then FIN',
    async () => {
      await addRule({ match: { operation: LIST }, effect: { network: 'garbage' }, times: 1 })
      await addRule({ match: { operation: LIST }, effect: { network: 'empty' }, times: 1 })
      const garbage = await rawExchange(h.baseUrl, REPOS)
      expect(garbage.bytes.length).toBeGreaterThan(0)
      expect(garbage.bytes.toString('latin1')).not.toMatch(/^HTTP\//)
      const empty = await rawExchange(h.baseUrl, REPOS)
      expect(empty.bytes.length).toBe(0)
    },
  )
})
