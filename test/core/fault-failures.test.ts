import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MockOptions } from '../../core/mock.ts'
import type { JournalOperationPattern } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories' as const
const CREATE = 'snowflake.createImageRepository' as const

/** The failures that break real clients: answers lost after a commit, clients that give up. */
describe.each(TRANSPORTS)('client-breaking faults (%s)', (transport) => {
  let h: Harness
  const start = async (options: MockOptions = {}) => {
    await h?.close()
    h = await startHarness(transport, options)
  }
  beforeEach(() => start())
  afterEach(() => h.close())

  const list = () => h.fetch(REPOS, { headers: AUTH })
  const create = (name: string, init: RequestInit = {}) =>
    h.fetch(REPOS, {
      method: 'POST',
      body: JSON.stringify({ name }),
      ...init,
      headers: { ...JSON_AUTH, ...(init.headers as Record<string, string>) },
    })
  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
    return (await response.json()).rules
  }
  const ruleError = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status).toBe(400)
    return (await response.json()).error.message as string
  }
  const names = async () =>
    ((await (await list()).json()) as Array<{ name: string }>).map((r) => r.name)
  const entries = (operation: JournalOperationPattern = CREATE) =>
    h.mock.journal.find({ operation })

  describe('afterCommit: the answer is lost after the write committed', () => {
    it('a reset after the create: stored, the client sees a dropped connection, the retry conflicts', async () => {
      await addRule({
        match: { operation: CREATE },
        effect: { network: 'reset', when: 'afterCommit' },
        times: 1,
      })
      await expect(create('lost')).rejects.toThrow(TypeError)
      expect(await names()).toContain('LOST')
      const retry = await create('lost')
      expect(retry.status).toBe(409)
      const [first, second] = entries()
      expect(first).toMatchObject({ status: 0, network: 'reset', fault: 'rule-1', committed: true })
      expect(second).toMatchObject({ status: 409, fault: null })
      expect(second).not.toHaveProperty('committed')
    })

    it('a gateway 504 after the create: the vendor envelope, X-Mock-Fault, and the change stored', async () => {
      await addRule({
        id: 'lost-answer',
        match: { operation: CREATE },
        effect: { status: 504, when: 'afterCommit' },
        times: 1,
      })
      const response = await create('gateway')
      expect(response.status).toBe(504)
      expect(response.headers.get('x-mock-fault')).toBe('lost-answer')
      expect((await response.json()).code).toBeTruthy()
      expect(await names()).toContain('GATEWAY')
      expect(entries()[0]).toMatchObject({ status: 504, fault: 'lost-answer', committed: true })
    })

    it('a timeout after the create: the change is stored though the client gave up', async () => {
      await addRule({
        match: { operation: CREATE },
        effect: { network: 'timeout', when: 'afterCommit' },
        times: 1,
      })
      await expect(create('slow', { signal: AbortSignal.timeout(200) })).rejects.toThrow()
      await expect.poll(() => entries().length).toBe(1)
      expect(entries()[0]).toMatchObject({ status: 0, network: 'timeout', committed: true })
      expect(await names()).toContain('SLOW')
    })

    it('without when, the effect applies before the operation: nothing is stored', async () => {
      await addRule({ match: { operation: CREATE }, effect: { network: 'reset' }, times: 1 })
      await expect(create('never')).rejects.toThrow(TypeError)
      expect(await names()).not.toContain('NEVER')
      expect(entries()[0]).not.toHaveProperty('committed')
    })

    it('refuses afterCommit without a failure, or with a status that is no gateway error', async () => {
      expect(await ruleError({ effect: { delayMs: 5, when: 'afterCommit' } })).toMatch(
        /effect\.when: afterCommit needs network/,
      )
      expect(await ruleError({ effect: { status: 409, when: 'afterCommit' } })).toMatch(
        /effect\.when: afterCommit goes with a gateway status \(500-599\).*got 409/,
      )
      expect(await ruleError({ effect: { status: 504, when: 'later' } })).toMatch(/effect\.when/)
    })
  })

  describe('a client that gives up still writes (it must not)', () => {
    it('aborted during X-Mock-Delay: the create does not run, the journal says abandoned', async () => {
      await expect(
        create('gone', { headers: { 'X-Mock-Delay': '400' }, signal: AbortSignal.timeout(100) }),
      ).rejects.toThrow()
      await expect.poll(() => entries().length, { timeout: 2_000 }).toBe(1)
      expect(entries()[0]).toMatchObject({ status: 0, abandoned: true, network: null })
      expect((await create('gone')).status).toBe(200)
    })

    it('aborted during a delayMs rule: the create does not run', async () => {
      await addRule({ match: { operation: CREATE }, effect: { delayMs: 400 }, times: 1 })
      await expect(create('gone', { signal: AbortSignal.timeout(100) })).rejects.toThrow()
      await expect.poll(() => entries().length, { timeout: 2_000 }).toBe(1)
      expect(entries()[0]).toMatchObject({ status: 0, abandoned: true, fault: 'rule-1' })
      expect((await create('gone')).status).toBe(200)
    })
  })
})

describe.each(TRANSPORTS)('latency with a tail (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const list = () => h.fetch(REPOS, { headers: AUTH })
  const post = (rule: unknown) =>
    h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
  /** The delays the journal recorded for `n` lists under `delayMs`, from a fresh rule list. */
  const delays = async (delayMs: unknown, n: number, seed?: number) => {
    await h.fetch('/__mock/reset', { method: 'POST' })
    const added = await post({ match: { operation: LIST }, effect: { delayMs }, seed })
    expect(added.status, await added.clone().text()).toBe(201)
    for (let i = 0; i < n; i++) expect((await list()).status).toBe(200)
    return h.mock.journal.find({ operation: LIST }).map((e) => e.delayMs)
  }

  it('uniform: drawn between min and max, the same for the same seed, recorded in the journal', async () => {
    const uniform = { distribution: 'uniform', min: 5, max: 40 }
    const first = await delays(uniform, 8, 7)
    expect(first).toHaveLength(8)
    for (const d of first) expect(d).toBeGreaterThanOrEqual(5)
    for (const d of first) expect(d).toBeLessThanOrEqual(40)
    expect(new Set(first).size).toBeGreaterThan(1)
    expect(await delays(uniform, 8, 7)).toEqual(first)
    expect(await delays(uniform, 8, 8)).not.toEqual(first)
  })

  it('lognormal: around the median, cut at max, replayed for the same seed', async () => {
    const lognormal = { distribution: 'lognormal', median: 10, sigma: 0.8, max: 30 }
    const first = await delays(lognormal, 10)
    for (const d of first) expect(d).toBeLessThanOrEqual(30)
    expect(first.some((d) => (d ?? 0) < 10)).toBe(true)
    expect(first.some((d) => (d ?? 0) > 10)).toBe(true)
    expect(await delays(lognormal, 10)).toEqual(first)
  })

  it('the request waits the delay it drew', async () => {
    const started = performance.now()
    const [d] = await delays({ distribution: 'uniform', min: 120, max: 160 }, 1)
    expect(performance.now() - started).toBeGreaterThanOrEqual((d ?? 0) - 5)
  })

  it('X-Mock-Delay is recorded too; a request without delay records none', async () => {
    await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Delay': '15' } })
    await list()
    expect(h.mock.journal.find({ operation: LIST }).map((e) => e.delayMs)).toEqual([15, undefined])
  })

  it.each([
    [
      { distribution: 'pareto', min: 1, max: 2 },
      /effect\.delayMs\.distribution: unknown distribution "pareto"; use uniform or lognormal/,
    ],
    [{ distribution: 'uniform', min: 9, max: 2 }, /effect\.delayMs\.min: min must not exceed max/],
    [{ distribution: 'uniform', min: 1, max: 2, mean: 3 }, /effect\.delayMs: .*"mean"/],
    [{ distribution: 'lognormal', median: 100, sigma: 1 }, /effect\.delayMs\.max: /],
    ['slow', /effect\.delayMs: expected number or object/],
  ])('refuses delayMs %j with a 400 naming the problem', async (delayMs, message) => {
    const response = await post({ match: { operation: LIST }, effect: { delayMs } })
    expect(response.status).toBe(400)
    expect((await response.json()).error.message).toMatch(message)
  })
})

describe.each(TRANSPORTS)('outages and expiring rules on the session clock (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const list = async () => (await h.fetch(REPOS, { headers: AUTH })).status
  const post = (rule: unknown) =>
    h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
  const rules = async () => (await (await h.fetch('/__mock/faults')).json()).rules

  it('an outage from +5s until +30s: fires only inside, and advance() past until removes it', async () => {
    const added = h.mock.clock.now()
    expect(
      (
        await post({
          match: { operation: LIST },
          effect: { status: 503 },
          window: { from: '+5s', until: '+30s' },
        })
      ).status,
    ).toBe(201)
    const [stored] = await rules()
    expect(stored.window).toEqual({
      from: new Date(added + 5_000).toISOString(),
      until: new Date(added + 30_000).toISOString(),
    })
    expect(await list()).toBe(200)
    h.mock.clock.advance(5_000)
    expect(await list()).toBe(503)
    expect(await list()).toBe(503)
    h.mock.clock.advance(30_000)
    expect(await list()).toBe(200)
    expect(await rules()).toEqual([])
  })

  it('each window rule goes when its own window ends, one added later included', async () => {
    const ids = async () => (await rules()).map((rule: { id: string }) => rule.id)
    const outage = (id: string, until: string) =>
      post({ id, match: { operation: LIST }, effect: { status: 503 }, window: { until } })
    expect((await outage('short', '+10s')).status).toBe(201)
    expect((await outage('long', '+60s')).status).toBe(201)
    expect(await list()).toBe(503)
    h.mock.clock.advance(15_000)
    expect(await ids()).toEqual(['long'])
    expect((await outage('middle', '+20s')).status).toBe(201)
    expect(await ids()).toEqual(['long', 'middle'])
    h.mock.clock.advance(25_000)
    expect(await ids()).toEqual(['long'])
    expect(await list()).toBe(503)
    h.mock.clock.advance(30_000)
    expect(await list()).toBe(200)
    expect(await ids()).toEqual([])
  })

  it('down the first 10 s of every minute', async () => {
    await post({
      match: { operation: LIST },
      effect: { status: 503 },
      window: { every: '1m', for: '10s' },
    })
    const seen: number[] = []
    seen.push(await list()) // +1 s
    h.mock.clock.advance(10_000)
    seen.push(await list()) // +12 s
    h.mock.clock.advance(48_000)
    seen.push(await list()) // +61 s
    h.mock.clock.advance(9_000)
    seen.push(await list()) // +71 s
    expect(seen).toEqual([503, 200, 503, 200])
    const [rule] = await rules()
    expect(rule).toMatchObject({ matched: 2, fired: 2, window: { every: '1m', for: '10s' } })
  })

  it('an ISO window, and a state export that keeps it', async () => {
    const now = h.mock.clock.now()
    await post({
      id: 'later',
      match: { operation: LIST },
      effect: { status: 503 },
      window: { from: new Date(now + 60_000).toISOString() },
    })
    expect(await list()).toBe(200)
    const state = await (await h.fetch('/__mock/state')).text()
    h.mock.clock.advance(60_000)
    expect(await list()).toBe(503)
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    expect((await h.fetch('/__mock/state', { method: 'PUT', body: state })).status).toBeLessThan(
      300,
    )
    h.mock.clock.advance(60_000)
    expect(await list()).toBe(503)
  })

  it.each([
    [{ from: 'soon' }, /window\.from: must be \+DURATION/],
    [{ every: '60s' }, /window\.for: every and for go together/],
    [{ every: '10s', for: '10s' }, /window\.for: must be shorter than every/],
    [{ every: '1m', for: '10s', until: '+5m' }, /window\.until: goes with from/],
    [{}, /window\.from: a window needs/],
    [{ from: '+5s', to: '+9s' }, /window: .*"to"/],
    [{ every: '5 min', for: '1s' }, /window\.every: must be a positive duration/],
    // A time zone the machine picks would make the same rule fire at other instants elsewhere.
    [{ from: '2026-03-02T09:10:00' }, /window\.from: .*offset/],
    [{ from: '2026-02-30T00:00:00Z' }, /window\.from: .*ISO-8601/],
    [{ from: '2026-03-02T24:00:00Z' }, /window\.from: .*ISO-8601/],
    [{ until: '1969-12-31T23:59:59Z' }, /window\.until: .*from 1970 to 9999/],
    [{ from: '+60s', until: '+10s' }, /window\.until: must be after from/],
    [{ from: '+1h', until: '2026-03-02T09:00:00Z' }, /window\.until: must be after from/],
    [{ until: '+999999999h' }, /window\.until: falls after 9999-12-31T23:59:59\.999Z/],
  ])('refuses window %j with a 400 naming the problem', async (window, message) => {
    const response = await post({ match: { operation: LIST }, effect: { status: 503 }, window })
    expect(response.status).toBe(400)
    expect((await response.json()).error.message).toMatch(message)
    expect(await rules()).toEqual([])
  })

  it('a window with an offset or the last instant the clock shows survives a state round trip', async () => {
    const windows = [
      { from: '2026-03-02T10:00:00+01:00', until: '2026-03-02T09:00:30Z' },
      { until: '9999-12-31T23:59:59.999Z' },
    ]
    for (const window of windows)
      expect(
        (await post({ match: { operation: LIST }, effect: { status: 503 }, window })).status,
      ).toBe(201)
    const saved = await rules()
    expect(saved.map((r: { window: unknown }) => r.window)).toEqual([
      { from: '2026-03-02T09:00:00.000Z', until: '2026-03-02T09:00:30.000Z' },
      { until: '9999-12-31T23:59:59.999Z' },
    ])
    const state = await (await h.fetch('/__mock/state')).text()
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    const put = await h.fetch('/__mock/state', { method: 'PUT', body: state })
    expect(put.status, await put.text()).toBeLessThan(300)
    expect(await rules()).toEqual(saved)
  })
})

describe.each(TRANSPORTS)('a session clock on wall time (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  it('the default step clock: 1 s per request, whatever the wall clock', async () => {
    h = await startHarness(transport)
    const health = await (await h.fetch('/__mock/health')).json()
    expect(health.clock.mode).toBe('step')
    const before = h.mock.clock.now()
    await h.fetch(REPOS, { headers: AUTH })
    await h.fetch(REPOS, { headers: AUTH })
    expect(h.mock.clock.now() - before).toBe(2_000)
  })

  it("clock: 'real' follows wall time: a 300 ms outage ends after 300 ms, advance() still moves it", async () => {
    h = await startHarness(transport, { clock: 'real' })
    expect((await (await h.fetch('/__mock/health')).json()).clock.mode).toBe('real')
    expect(h.mock.clock.mode).toBe('real')
    await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        match: { operation: LIST },
        effect: { status: 503 },
        window: { until: '+300ms' },
      }),
    })
    const before = h.mock.clock.now()
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(503)
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(503)
    // Requests do not step it: two requests moved it by the wall time they took, not 2 s.
    expect(h.mock.clock.now() - before).toBeLessThan(300)
    await new Promise((resolve) => setTimeout(resolve, 320))
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
    const moved = h.mock.clock.now()
    h.mock.clock.advance(60_000)
    expect(h.mock.clock.now() - moved).toBeGreaterThanOrEqual(60_000)
  })
})

describe.each(TRANSPORTS)('faults aimed at one caller or one request (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
  }
  /** A key-pair JWT whose `sub` names the Snowflake user. */
  const jwt = (sub: string) =>
    `e30.${Buffer.from(JSON.stringify({ sub, iss: `${sub}.SHA256:x` })).toString('base64url')}.sig`
  const listAs = (sub: string) =>
    h.fetch(REPOS, {
      headers: {
        Authorization: `Bearer ${jwt(sub)}`,
        'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
      },
    })
  const create = (name: string) =>
    h.fetch(REPOS, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ name }) })

  it('match.principal: only the staging user fails (a key-pair JWT names it by sub)', async () => {
    await addRule({
      match: { operation: LIST, principal: 'ACME.STAGING_*' },
      effect: { status: 503 },
    })
    expect((await listAs('ACME.STAGING_BOT')).status).toBe(503)
    expect((await listAs('ACME.PROD_BOT')).status).toBe(200)
    // An OAuth token names no user: a principal rule never fires on it.
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
  })

  it('match.principal: Cycle names the hub and the creator', async () => {
    const HUB = '651586fca6078e98982dbd90'
    await addRule({
      match: { operation: 'cycle.*', principal: `${HUB}/*` },
      effect: { status: 503 },
    })
    const sources = await h.fetch('/v1/images/sources', {
      headers: { ...AUTH, 'X-Hub-Id': HUB },
    })
    expect(sources.status).toBe(503)
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    await addRule({
      match: { operation: 'cycle.*', principal: `${HUB}/account/*` },
      effect: { status: 503 },
    })
    expect(
      (await h.fetch('/v1/images/sources', { headers: { ...AUTH, 'X-Hub-Id': HUB } })).status,
    ).toBe(503)
  })

  it('match.body: only creates named TEST_* conflict', async () => {
    await addRule({
      match: { operation: CREATE, body: { name: 'TEST_*' } },
      effect: { status: 409 },
    })
    expect((await create('TEST_one')).status).toBe(409)
    expect((await create('real_one')).status).toBe(200)
    expect((await create('test_lower')).status).toBe(200)
  })

  it('match.query and match.headers: only that parameter or header value', async () => {
    await addRule({ match: { operation: LIST, query: { like: 'slow%' } }, effect: { status: 503 } })
    await addRule({
      match: { operation: LIST, headers: { 'x-client': 'staging-*' } },
      effect: { status: 502, body: { from: 'header rule' } },
    })
    expect((await h.fetch(`${REPOS}?like=slow%25`, { headers: AUTH })).status).toBe(503)
    expect((await h.fetch(`${REPOS}?like=fast%25`, { headers: AUTH })).status).toBe(200)
    const staged = await h.fetch(REPOS, { headers: { ...AUTH, 'X-Client': 'staging-hub' } })
    expect(staged.status).toBe(502)
    expect((await h.fetch(REPOS, { headers: { ...AUTH, 'X-Client': 'prod' } })).status).toBe(200)
    const [query, header] = (await (await h.fetch('/__mock/faults')).json()).rules
    expect([query.matched, query.fired, header.matched, header.fired]).toEqual([1, 1, 1, 1])
  })

  it.each([
    [{ principal: '' }, /match\.principal: glob is empty/],
    [{ headers: { 'bad header': 'x' } }, /match\.headers\.bad header: must be a header name/],
    [{ body: { name: 5 } }, /match\.body\.name: /],
    [{ cookie: 'x' }, /match: .*"cookie"/],
  ])('refuses match %j with a 400 naming the field', async (match, message) => {
    const response = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({ match, effect: { status: 503 } }),
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error.message).toMatch(message)
  })
})

describe.each(TRANSPORTS)('quotas that answer as the vendor throttles (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    // A frozen step clock: only advance() moves time, so a window holds as many requests as sent.
    h = await startHarness(transport, { clock: { stepMs: 0 } })
  })
  afterEach(() => h.close())

  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
  }
  const SWR = '/v2/manage/shared-repositories?center=self'
  const swr = () =>
    h.fetch(SWR, { headers: { 'X-Auth-Token': 't', 'Content-Type': 'application/json' } })

  it('SWR throttles you at 10 requests per second: APIG.0308 and Retry-After, then the next second passes', async () => {
    await addRule({
      id: 'swr-10rps',
      match: { operation: 'swr.*' },
      quota: { limit: 10, perMs: 1000 },
    })
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push((await swr()).status)
    expect(statuses).toEqual(Array(10).fill(200))
    h.mock.clock.advance(400)
    const throttled = await swr()
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('retry-after')).toBe('1')
    expect(throttled.headers.get('x-mock-fault')).toBe('swr-10rps')
    const body = await throttled.json()
    expect(body.error_code).toBe('APIG.0308')
    h.mock.clock.advance(600)
    expect((await swr()).status).toBe(200)
    const [rule] = (await (await h.fetch('/__mock/faults')).json()).rules
    expect(rule).toMatchObject({ matched: 12, fired: 1, effect: { status: 429 } })
  })

  it('Retry-After counts the seconds until a long window ends; each vendor its own envelope', async () => {
    await addRule({ match: { operation: 'snowflake.*' }, quota: { limit: 1, perMs: 60_000 } })
    await addRule({ match: { operation: 'cycle.*' }, quota: { limit: 0, perMs: 1000 } })
    await addRule({ match: { operation: 'rhacs.*' }, quota: { limit: 0, perMs: 1000 } })
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
    h.mock.clock.advance(15_500)
    const snowflake = await h.fetch(REPOS, { headers: AUTH })
    expect(snowflake.status).toBe(429)
    expect(snowflake.headers.get('retry-after')).toBe('45')
    expect((await snowflake.json()).code).toBe('391918')
    const cycle = await h.fetch('/v1/images/sources', {
      headers: { ...AUTH, 'X-Hub-Id': '651586fca6078e98982dbd90' },
    })
    expect(cycle.status).toBe(429)
    expect((await cycle.json()).error.code).toBe('429.rate-limiting')
    const rhacs = await h.fetch('/v1/images', { headers: AUTH })
    expect(rhacs.status).toBe(429)
    expect((await rhacs.json()).code).toBe(8)
  })

  it('by principal and by operation: each caller or operation has its own count', async () => {
    const jwt = (sub: string) =>
      `Bearer e30.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.s`
    const as = (sub: string) =>
      h.fetch(REPOS, {
        headers: { Authorization: jwt(sub), 'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT' },
      })
    await addRule({
      match: { operation: LIST },
      quota: { limit: 1, perMs: 1000, by: 'principal' },
    })
    expect([
      (await as('A.ONE')).status,
      (await as('A.TWO')).status,
      (await as('A.ONE')).status,
    ]).toEqual([200, 200, 429])
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    await addRule({
      match: { operation: 'snowflake.*' },
      quota: { limit: 1, perMs: 1000, by: 'operation' },
    })
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(200)
    expect((await h.fetch(`${REPOS}/x`, { headers: AUTH })).status).not.toBe(429)
    expect((await h.fetch(REPOS, { headers: AUTH })).status).toBe(429)
  })

  it.each([
    [{ limit: 10 }, /quota\.perMs: /],
    [{ limit: 10, perMs: 1000, by: 'ip' }, /quota\.by: /],
    [{ limit: -1, perMs: 1000 }, /quota\.limit: /],
  ])('refuses quota %j with a 400 naming the field', async (quota, message) => {
    const response = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({ match: { operation: LIST }, quota }),
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error.message).toMatch(message)
  })
})

describe.each(TRANSPORTS)('determinism of the new faults (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport, { scenario: 'default', seed: 5 })
  })
  afterEach(() => h.close())

  it('the same rules, seed and requests give the same journal twice in a row', async () => {
    const run = async () => {
      await h.mock.reset({ seed: 5 })
      h.mock.faults.addAll([
        {
          id: 'tail',
          match: { operation: 'snowflake.*' },
          effect: { delayMs: { distribution: 'lognormal', median: 5, sigma: 1, max: 40 } },
        },
        { id: 'quota', match: { operation: LIST }, quota: { limit: 2, perMs: 5000 } },
        {
          id: 'lost',
          match: { operation: CREATE },
          effect: { status: 504, when: 'afterCommit' },
          probability: 0.5,
        },
        {
          id: 'window',
          match: { operation: CREATE },
          effect: { status: 503 },
          window: { from: '+6s' },
        },
        {
          id: 'async',
          match: { operation: 'snowflake.deleteImageRepository' },
          effect: { async: 'fail' },
          probability: 0.5,
        },
      ])
      for (let i = 0; i < 4; i++) {
        await h.fetch(REPOS, { headers: AUTH })
        await h.fetch(REPOS, {
          method: 'POST',
          headers: JSON_AUTH,
          body: JSON.stringify({ name: `r${i}` }),
        })
        // An async delete, and its result polled once ready.
        const accepted = await h.fetch(`${REPOS}/r${i}`, {
          method: 'DELETE',
          headers: { ...AUTH, Prefer: 'respond-async' },
        })
        h.mock.clock.advance(2_000)
        await h.fetch(accepted.headers.get('location') ?? '/api/v2/results/none', { headers: AUTH })
      }
      return h.mock.journal
        .find()
        .map(({ time, status, fault, delayMs, committed, asyncFailed, network, responseBody }) => ({
          time,
          status,
          fault,
          delayMs,
          committed,
          asyncFailed,
          network,
          responseBody,
        }))
    }
    const first = await run()
    expect(new Set(first.map((e) => e.status)).size).toBeGreaterThan(2)
    expect(first.some((e) => e.committed)).toBe(true)
    // Some deletes failed in the background and their polls answered Snowflake's 500; some not.
    const deletes = first.filter((e) => e.status === 202)
    expect(deletes.some((e) => e.asyncFailed) && deletes.some((e) => !e.asyncFailed)).toBe(true)
    expect(first.some((e) => e.status === 500)).toBe(true)
    expect(await run()).toEqual(first)
  })
})
