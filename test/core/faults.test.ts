import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('fault rules (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const list = (headers: Record<string, string> = AUTH) => h.fetch(REPOS, { headers })
  const create = (name: string) =>
    h.fetch(REPOS, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ name }) })
  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
    return (await response.json()).rules
  }
  const statuses = async (n: number, send: () => Promise<Response>) => {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push((await send()).status)
    return out
  }

  it('503 with Retry-After twice, then success: one rule with times=2', async () => {
    await addRule({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { status: 503, retryAfter: 3 },
      times: 2,
    })
    const first = await list()
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('3')
    expect(first.headers.get('x-mock-fault')).toBe('rule-1')
    const body = await first.json()
    expect(body).toMatchObject({ code: '391923', error_code: '391923' })
    expect(body.request_id).toBe(first.headers.get('x-snowflake-request-id'))
    expect(await statuses(3, () => list())).toEqual([503, 200, 200])
    const [rule] = (await (await h.fetch('/__mock/faults')).json()).rules
    expect(rule).toMatchObject({ id: 'rule-1', matched: 4, fired: 2 })
  })

  it('every 3rd request 429: one rule with every=3, Retry-After defaulting to 1', async () => {
    await addRule({ match: { operation: 'snowflake.list*' }, effect: { status: 429 }, every: 3 })
    const responses: Response[] = []
    for (let i = 0; i < 6; i++) responses.push(await list())
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429, 200, 200, 429])
    expect(responses[2]?.headers.get('retry-after')).toBe('1')
  })

  it('first request succeeds, then 409: one rule with after=1', async () => {
    await addRule({
      match: { operation: 'snowflake.createImageRepository' },
      effect: { status: 409 },
      after: 1,
    })
    expect((await create('a')).status).toBe(200)
    const conflict = await create('b')
    expect(conflict.status).toBe(409)
    expect((await conflict.json()).code).toBe('002002')
    const names = (await (await list()).json()).map((r: { name: string }) => r.name)
    expect(names).toContain('A')
    expect(names).not.toContain('B')
  })

  it('matches by method and path glob too, and all conditions must hold', async () => {
    await addRule({
      match: { method: 'post', path: '/api/v2/databases/ML_PLATFORM/*' },
      effect: { status: 500 },
    })
    expect((await create('x')).status).toBe(200)
    await addRule({
      match: { method: 'POST', path: '/api/v2/databases/ml_platform/*' },
      effect: { status: 500 },
    })
    expect((await list()).status).toBe(200)
    expect((await create('y')).status).toBe(500)
  })

  it('uses the first rule that fires, in order', async () => {
    await addRule([
      {
        id: 'never',
        match: { operation: 'snowflake.listImageRepositories' },
        effect: { status: 500 },
        probability: 0,
      },
      { id: 'second', match: { operation: 'snowflake.*' }, effect: { status: 504 } },
      { id: 'third', match: { operation: 'snowflake.*' }, effect: { status: 503 } },
    ])
    const response = await list()
    expect(response.status).toBe(504)
    expect(response.headers.get('x-mock-fault')).toBe('second')
    const rules = (await (await h.fetch('/__mock/faults')).json()).rules
    expect(rules.map((r: { matched: number; fired: number }) => [r.matched, r.fired])).toEqual([
      [1, 0],
      [1, 1],
      [0, 0],
    ])
  })

  it('replaces the vendor body with effect.body', async () => {
    await addRule({
      match: { operation: 'snowflake.fetchImageRepository' },
      effect: { status: 418, body: { teapot: true } },
    })
    const response = await h.fetch(`${REPOS}/x`, { headers: AUTH })
    expect(response.status).toBe(418)
    expect(await response.json()).toEqual({ teapot: true })
  })

  it('adds latency with delayMs and still answers normally', async () => {
    await addRule({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { delayMs: 150 },
    })
    const started = performance.now()
    const response = await list()
    expect(response.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('adds latency per request with X-Mock-Delay and rejects a bad value', async () => {
    const started = performance.now()
    expect((await list({ ...AUTH, 'X-Mock-Delay': '120' })).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
    for (const value of ['soon', '1e2', '0x10', '', ' ', '-1']) {
      const bad = await list({ ...AUTH, 'X-Mock-Delay': value })
      expect(bad.status, `X-Mock-Delay: ${JSON.stringify(value)}`).toBe(400)
      expect((await bad.json()).message).toMatch(/X-Mock-Delay must be whole milliseconds/)
    }
  })

  it('forces a status with Prefer: code=NNN, and refuses other spellings of a number', async () => {
    expect((await list({ ...AUTH, Prefer: 'code=500' })).status).toBe(500)
    // A quoted value, as RFC 7240 allows.
    expect((await list({ ...AUTH, Prefer: 'code="500"' })).status).toBe(500)
    for (const value of ['0x1F4', '1e2', '5e2', '500.0', '']) {
      const bad = await list({ ...AUTH, Prefer: `code=${value}` })
      expect(bad.status, `Prefer: code=${value}`).toBe(400)
      expect((await bad.json()).message).toBe(`Prefer: code=${value} is not an HTTP status code`)
    }
  })

  it('drops the connection with network=reset: fetch rejects and the server keeps serving', async () => {
    await addRule({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { network: 'reset' },
      times: 1,
    })
    await expect(list()).rejects.toThrow(TypeError)
    expect((await list()).status).toBe(200)
    const [entry] = h.mock.journal.find({ operation: 'snowflake.listImageRepositories' })
    expect(entry).toMatchObject({ status: 0, network: 'reset', fault: 'rule-1' })
  })

  it('never answers with network=timeout until the client aborts, then releases the request', async () => {
    await addRule({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { network: 'timeout' },
      times: 1,
    })
    const started = performance.now()
    await expect(
      h.fetch(REPOS, { headers: AUTH, signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow()
    expect(performance.now() - started).toBeLessThan(5_000)
    await expect
      .poll(() => h.mock.journal.find({ operation: 'snowflake.listImageRepositories' }).length)
      .toBe(1)
    expect(h.mock.journal.find()[0]).toMatchObject({ network: 'timeout', status: 0 })
    expect((await list()).status).toBe(200)
  })

  it('drops a timed-out request at the server-side ceiling when the client never gives up', async () => {
    await h.close()
    h = await startHarness(transport, { timeoutCeilingMs: 150 })
    h.mock.faults.add({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { network: 'timeout' },
      times: 1,
    })
    const started = performance.now()
    await expect(list()).rejects.toThrow(TypeError)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    expect(h.mock.journal.find()[0]).toMatchObject({ network: 'timeout', status: 0 })
    expect((await list()).status).toBe(200)
  })

  it('replays the same pattern for the same probability seed, and another for another seed', async () => {
    const pattern = async (seed: number) => {
      await h.fetch('/__mock/faults', { method: 'DELETE' })
      await addRule({
        match: { operation: 'snowflake.list*' },
        effect: { status: 503 },
        probability: 0.3,
        seed,
      })
      return (await statuses(40, () => list())).map((s) => (s === 503 ? 'x' : '.')).join('')
    }
    const a = await pattern(7)
    const b = await pattern(7)
    const c = await pattern(8)
    expect(a).toBe(b)
    expect(a).not.toBe(c)
    expect(a).toContain('x')
    expect(a).toContain('.')
  })

  it('derives the probability stream from the session seed when a rule has none', async () => {
    const pattern = async () => {
      await h.fetch('/__mock/reset', { method: 'POST', body: '{}' })
      await addRule({
        match: { operation: 'snowflake.list*' },
        effect: { status: 503 },
        probability: 0.5,
      })
      return (await statuses(30, () => list())).join(',')
    }
    expect(await pattern()).toBe(await pattern())
  })

  it('lets about 10 % of creates time out with probability=0.1', async () => {
    h.mock.faults.add({
      match: { operation: 'snowflake.create*' },
      effect: { network: 'timeout' },
      probability: 0.1,
      seed: 3,
    })
    let timedOut = 0
    for (let i = 0; i < 60; i++) {
      try {
        await h.fetch(REPOS, {
          method: 'POST',
          headers: JSON_AUTH,
          body: JSON.stringify({ name: `r${i}` }),
          // Long enough that an answered create is never taken for a timeout on a busy machine.
          signal: AbortSignal.timeout(1500),
        })
      } catch {
        timedOut++
      }
    }
    const [rule] = h.mock.faults.list()
    expect(timedOut).toBe(rule?.fired)
    expect(timedOut).toBeGreaterThan(0)
    expect(timedOut).toBeLessThan(20)
  }, 60_000)

  it('lists, removes one and clears rules', async () => {
    await addRule([
      { id: 'a', effect: { status: 500 }, match: { operation: 'snowflake.getTags' } },
      { id: 'b', effect: { status: 500 }, match: { operation: 'snowflake.setTags' } },
    ])
    expect((await h.fetch('/__mock/faults/a', { method: 'DELETE' })).status).toBe(204)
    expect((await h.fetch('/__mock/faults/a', { method: 'DELETE' })).status).toBe(404)
    expect(
      (await (await h.fetch('/__mock/faults')).json()).rules.map((r: { id: string }) => r.id),
    ).toEqual(['b'])
    expect((await h.fetch('/__mock/faults', { method: 'DELETE' })).status).toBe(204)
    expect((await (await h.fetch('/__mock/faults')).json()).rules).toEqual([])
  })

  it.each([
    ['an invalid JSON body', '{', /body is not valid JSON/],
    [
      'a negative probability',
      { effect: { status: 500 }, probability: -0.1 },
      /probability: Too small/,
    ],
    ['a probability above 1', { effect: { status: 500 }, probability: 2 }, /probability: Too big/],
    [
      'an effect with nothing in it',
      { effect: {} },
      /effect needs at least one of status, network, delayMs, bytesPerSecond or async/,
    ],
    [
      'status and network together',
      { effect: { status: 500, network: 'reset' } },
      /cannot have both status and network/,
    ],
    ['an unknown network effect', { effect: { network: 'explode' } }, /effect.network/],
    ['a status out of range', { effect: { status: 99 } }, /effect.status/],
    [
      'an empty glob',
      { match: { operation: '' }, effect: { status: 500 } },
      /match.operation: glob is empty/,
    ],
    [
      'a glob that matches no operation',
      { match: { operation: 'snowflake.lsit*' }, effect: { status: 500 } },
      /matches no operation/,
    ],
    [
      'a method none of the matched operations takes',
      { match: { operation: '*', method: 'PUT' }, effect: { status: 503 } },
      /match.method PUT: no operation \* matches takes it/,
    ],
    ['an unknown field', { effect: { status: 500 }, when: 'always' }, /Unrecognized key.*when/],
    ['times of 0', { effect: { status: 500 }, times: 0 }, /times: Too small/],
    [
      'a duplicate id',
      [
        { id: 'x', effect: { status: 500 } },
        { id: 'x', effect: { status: 500 } },
      ],
      /rules\[1\]: a rule with id "x" already exists/,
    ],
    [
      'more than 1000 rules',
      Array.from({ length: 1001 }, () => ({ effect: { status: 500 } })),
      /at most 1000 fault rules/,
    ],
  ])(
    'refuses %s with a 400 that says what is wrong, adding nothing',
    async (_label, body, message) => {
      const response = await h.fetch('/__mock/faults', {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
      expect(response.status).toBe(400)
      const error = await response.json()
      expect(error.error.status).toBe(400)
      expect(error.error.message).toMatch(message)
      expect((await (await h.fetch('/__mock/faults')).json()).rules).toEqual([])
    },
  )
})
