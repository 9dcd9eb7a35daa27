import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_MATCH_TEXT } from '../../core/fault-match.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories' as const
const CREATE = 'snowflake.createImageRepository' as const

/** Fault-rule matching on what a caller controls: sizes, depths, names and callers. */
describe.each(TRANSPORTS)('fault matching on hostile requests (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    // A frozen step clock: only advance() moves time.
    h = await startHarness(transport, { clock: { stepMs: 0 } })
  })
  afterEach(() => h.close())

  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
  }
  const post = (body: string, headers: Record<string, string> = {}) =>
    h.fetch(REPOS, { method: 'POST', headers: { ...JSON_AUTH, ...headers }, body })

  it('1000 body rules over a ~900 KB non-string field answer in linear time', async () => {
    h.mock.faults.addAll(
      Array.from({ length: 1000 }, (_, i) => ({
        match: { operation: CREATE, body: { blob: `never-${i}` } },
        effect: { status: 409 as const },
      })),
    )
    const blob = Array.from({ length: 90_000 }, (_, i) => `v${i % 10}abcdef`)
    const started = performance.now()
    const response = await post(JSON.stringify({ name: 'big', blob }))
    const elapsed = performance.now() - started
    expect(response.headers.get('x-mock-fault')).toBeNull()
    expect(response.status).toBeLessThan(500)
    // Before, each rule serialised the whole field: 1000 × ~1 MB took minutes.
    expect(elapsed).toBeLessThan(5000)
  })

  it(`a field longer than ${MAX_MATCH_TEXT} characters matches only a glob ending in * on its first characters`, async () => {
    await addRule({
      id: 'prefix',
      match: { operation: CREATE, body: { comment: 'LONG_*' } },
      effect: { status: 409 },
      times: 1,
    })
    await addRule({
      id: 'suffix',
      match: { operation: CREATE, body: { comment: '*_END' } },
      effect: { status: 409 },
    })
    const comment = `LONG_${'x'.repeat(MAX_MATCH_TEXT)}_END`
    const first = await post(JSON.stringify({ name: 'one', comment }))
    expect([first.status, first.headers.get('x-mock-fault')]).toEqual([409, 'prefix'])
    // `*_END` would need the text past the cap: a long value does not match it.
    const second = await post(JSON.stringify({ name: 'two', comment }))
    expect(second.headers.get('x-mock-fault')).toBeNull()
    // The same glob matches a short value.
    const short = await post(JSON.stringify({ name: 'three', comment: 'short_END' }))
    expect([short.status, short.headers.get('x-mock-fault')]).toEqual([409, 'suffix'])
  })

  it('a value nested 10,000 levels deep never gives a 500', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`
    const body = `{"name":"deep","deep":${deep}}`
    const without = await post(body)
    expect(without.status).toBeLessThan(500)
    await addRule({
      match: { operation: CREATE, body: { deep: 'no match' } },
      effect: { status: 409 },
    })
    const unmatched = await post(body)
    expect(unmatched.status).toBe(without.status)
    expect(unmatched.headers.get('x-mock-fault')).toBeNull()
    await addRule({
      id: 'deep',
      match: { operation: CREATE, body: { deep: '[[[*' } },
      effect: { status: 409 },
    })
    const matched = await post(body)
    expect([matched.status, matched.headers.get('x-mock-fault')]).toEqual([409, 'deep'])
  })

  it.each(['*', '?*', '*?'])(
    'match.principal %j never matches a caller with no name',
    async (glob) => {
      await addRule({ match: { operation: LIST, principal: glob }, effect: { status: 503 } })
      // An OAuth token names no Snowflake user.
      expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
      const jwt = `e30.${Buffer.from(JSON.stringify({ sub: 'ACME.BOT', iss: 'ACME.BOT.SHA256:x' })).toString('base64url')}.sig`
      const named = await h.fetch(REPOS, {
        headers: {
          Authorization: `Bearer ${jwt}`,
          'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
        },
      })
      expect(named.status).toBe(503)
    },
  )

  it('a body field, query parameter or header named __proto__ is matched, not dropped', async () => {
    await addRule({
      id: 'body',
      match: JSON.parse(
        '{"operation":"snowflake.createImageRepository","body":{"__proto__":"x*"}}',
      ),
      effect: { status: 409 },
    })
    await addRule({
      id: 'query',
      match: JSON.parse(`{"operation":"${LIST}","query":{"__proto__":"q"}}`),
      effect: { status: 503 },
    })
    await addRule({
      id: 'header',
      match: JSON.parse(`{"operation":"${LIST}","headers":{"__proto__":"h"}}`),
      effect: { status: 504 },
    })
    expect((await post('{"name":"plain"}')).status).toBe(200)
    const hit = await post('{"name":"proto","__proto__":"xyz"}')
    expect([hit.status, hit.headers.get('x-mock-fault')]).toEqual([409, 'body'])
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
    expect((await h.fetch(`${REPOS}?__proto__=q`, { headers: AUTH })).status).toBe(503)
    // Node's fetch drops a header named __proto__ before sending it, so only msw/node sees one.
    if (transport === 'msw') {
      const headers: Array<[string, string]> = [...Object.entries(AUTH), ['__proto__', 'h']]
      expect((await h.fetch(REPOS, { headers })).status).toBe(504)
    }
    const rules = (await (await h.fetch('/__mock/faults')).json()).rules as Array<{
      match: Record<string, object>
    }>
    expect(rules.map((r) => Object.entries(r.match).find(([k]) => k !== 'operation'))).toEqual([
      ['body', JSON.parse('{"__proto__":"x*"}')],
      ['query', JSON.parse('{"__proto__":"q"}')],
      ['headers', JSON.parse('{"__proto__":"h"}')],
    ])
    const bad = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: `{"match":{"body":{"__proto__":""}},"effect":{"status":503}}`,
    })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/match\.body\.__proto__: glob is empty/)
  })

  it("a window's outage says in Retry-After when the window ends", async () => {
    await addRule({
      id: 'outage',
      match: { operation: LIST },
      effect: { status: 503 },
      window: { until: '+30s' },
    })
    const retryAfter = async () => {
      const response = await h.fetch(REPOS, { headers: AUTH })
      expect(response.status).toBe(503)
      return response.headers.get('retry-after')
    }
    expect(await retryAfter()).toBe('30')
    h.mock.clock.advance(10_500)
    expect(await retryAfter()).toBe('20')
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    await addRule({
      match: { operation: LIST },
      effect: { status: 503 },
      window: { every: '60s', for: '10s' },
    })
    expect(await retryAfter()).toBe('10')
    h.mock.clock.advance(4000)
    expect(await retryAfter()).toBe('6')
    h.mock.clock.advance(60_000)
    expect(await retryAfter()).toBe('6')
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    await addRule({
      match: { operation: LIST },
      effect: { status: 503, retryAfter: 7 },
      window: { until: '+1h' },
    })
    expect(await retryAfter()).toBe('7')
  })
})

describe.each(TRANSPORTS)('match.query on SWR query forms, as sent (%s)', (transport) => {
  it('center=thirdparty and the legacy filter=center::thirdparty each take their own rule', async () => {
    const h = await startHarness(transport)
    try {
      const rules = [
        { id: 'discrete', match: { operation: 'swr.*', query: { center: 'thirdparty' } } },
        {
          id: 'legacy',
          match: { operation: 'swr.*', query: { filter: '*center::thirdparty*' } },
        },
      ]
      for (const rule of rules) {
        const made = await h.fetch('/__mock/faults', {
          method: 'POST',
          body: JSON.stringify({ ...rule, effect: { status: 502 } }),
        })
        expect(made.status, await made.clone().text()).toBe(201)
      }
      const fault = async (query: string) =>
        (
          await h.fetch(`/v2/manage/shared-repositories?${query}`, {
            headers: { 'X-Auth-Token': 'token', 'Content-Type': 'application/json' },
          })
        ).headers.get('x-mock-fault')
      expect(await fault('center=thirdparty')).toBe('discrete')
      expect(await fault('filter=center::thirdparty|limit::5|offset::0')).toBe('legacy')
      expect(await fault('center=self')).toBeNull()
    } finally {
      await h.close()
    }
  })
})

describe.each(TRANSPORTS)("the README's step-clock quota recipe (%s)", (transport) => {
  it('10 per 20000 ms on the default step clock: 10 pass, the 11th to 19th get the 429, the 20th starts a new window', async () => {
    const h = await startHarness(transport)
    try {
      const made = await h.fetch('/__mock/faults', {
        method: 'POST',
        body: JSON.stringify({ match: { operation: 'swr.*' }, quota: { limit: 10, perMs: 20000 } }),
      })
      expect(made.status).toBe(201)
      // The clock moves 1 s before each request: they fall at 1 s, 2 s, … after the rule.
      const statuses: number[] = []
      for (let i = 0; i < 21; i++) {
        const response = await h.fetch('/v2/manage/shared-repositories?center=self', {
          headers: { 'X-Auth-Token': 'token', 'Content-Type': 'application/json' },
        })
        statuses.push(response.status)
      }
      expect(statuses.join(' ')).toBe(
        [...Array(10).fill(200), ...Array(9).fill(429), 200, 200].join(' '),
      )
    } finally {
      await h.close()
    }
  })
})
