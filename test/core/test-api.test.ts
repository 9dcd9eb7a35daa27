/**
 * The in-process API for test authors (issue: safe, typed, predictable): fault effects that
 * compose and are validated, a mock-wide and a per-session reset, a readable clock, and HEAD on
 * every GET of the control API; each through msw in-process and through the Express server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Scenario } from '../../index.ts'
import { parseFaultSpec } from '../../server.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories'

describe.each(TRANSPORTS)('the test author API (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const inSession = (session: string, headers: Record<string, string> = {}) => ({
    ...headers,
    'X-Mock-Session': session,
  })
  const list = (session = 'default') => h.fetch(REPOS, { headers: inSession(session, AUTH) })
  const names = async (session = 'default') =>
    ((await (await list(session)).json()) as Array<{ name: string }>).map((r) => r.name)
  const create = (name: string, session = 'default') =>
    h.fetch(REPOS, {
      method: 'POST',
      headers: inSession(session, JSON_AUTH),
      body: JSON.stringify({ name }),
    })
  const control = async (path: string, init: RequestInit = {}) => {
    const response = await h.fetch(`/__mock${path}`, init)
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    }
  }

  describe('fault effects', () => {
    it('composes "slow, then 503" from two rules: the delay adds up, the status rule decides', async () => {
      h.mock.faults.addAll([
        { id: 'slow', match: { operation: 'snowflake.*' }, effect: { delayMs: 120 } },
        { id: 'fail', match: { operation: LIST }, effect: { status: 503 }, times: 1 },
      ])
      const started = performance.now()
      const failed = await list()
      expect(performance.now() - started).toBeGreaterThanOrEqual(110)
      expect(failed.status).toBe(503)
      expect(failed.headers.get('x-mock-fault')).toBe('slow, fail')
      const ok = await list()
      expect(ok.status).toBe(200)
      expect(ok.headers.get('x-mock-fault')).toBe('slow')
      expect(h.mock.journal.find({ operation: LIST }).map((e) => [e.status, e.fault])).toEqual([
        [503, 'fail'],
        [200, 'slow'],
      ])
      expect(h.mock.faults.list().map((r) => [r.id, r.matched, r.fired])).toEqual([
        ['slow', 2, 2],
        ['fail', 2, 1],
      ])
    })

    it('lets later rules fire once a latency rule is used up, and the first terminal rule wins', async () => {
      h.mock.faults.addAll([
        { id: 'once-slow', match: { operation: LIST }, effect: { delayMs: 1 }, times: 1 },
        { id: 'first', match: { operation: LIST }, effect: { status: 429 }, after: 1 },
        { id: 'never', match: { operation: LIST }, effect: { status: 500 } },
      ])
      expect((await list()).status).toBe(500)
      const second = await list()
      expect(second.status).toBe(429)
      expect(second.headers.get('x-mock-fault')).toBe('first')
      expect(h.mock.faults.list().map((r) => r.fired)).toEqual([1, 1, 1])
    })

    it('answers a redirect fault with its Location and no vendor envelope', async () => {
      h.mock.faults.add({
        match: { operation: LIST },
        effect: { status: 307, location: 'https://elsewhere.example/moved', retryAfter: 3 },
      })
      const response = await h.fetch(REPOS, { headers: AUTH, redirect: 'manual' })
      expect(response.status).toBe(307)
      expect(response.headers.get('location')).toBe('https://elsewhere.example/moved')
      expect(response.headers.get('retry-after')).toBe('3')
      expect(await response.text()).toBe('')
    })

    it.each([
      [
        'a success status',
        { status: 200 },
        /effect\.status: must be an error status \(400-599\) or a redirect.*got 200/,
      ],
      ['a 204', { status: 204 }, /effect\.status: .*got 204/],
      [
        'a redirect without location',
        { status: 302 },
        /effect\.location: a 302 redirect needs location/,
      ],
      [
        'location on an error',
        { status: 503, location: '/x' },
        /effect\.location: goes only with a redirect status/,
      ],
      ['a 304', { status: 304, location: '/x' }, /effect\.status: .*got 304/],
      ['body without status', { delayMs: 5, body: {} }, /effect\.body: goes only with status/],
      [
        'retryAfter with network',
        { network: 'reset', retryAfter: 1 },
        /effect\.retryAfter: goes only with status/,
      ],
    ])(
      'refuses %s: a 400 from the control API, a throw from the API, nothing added',
      async (_, effect, message) => {
        const rule = { match: { operation: LIST }, effect }
        const response = await control('/faults', { method: 'POST', body: JSON.stringify(rule) })
        expect(response.status).toBe(400)
        expect(response.body.error.message).toMatch(message)
        expect(() => h.mock.faults.add(rule as never)).toThrow(message)
        expect(h.mock.faults.list()).toEqual([])
        expect((await list()).status).toBe(200)
      },
    )
  })

  describe('reset', () => {
    it('mock.reset() starts every session again: data, rules, journals, clocks; other sessions are dropped', async () => {
      const start = h.mock.clock.now()
      const other = h.mock.session('other')
      await create('only_default')
      await create('only_other', 'other')
      h.mock.faults.add({ match: { operation: 'cycle.*' }, effect: { status: 503 } })
      other.faults.add({ match: { operation: 'cycle.*' }, effect: { status: 503 } })
      h.mock.clock.advance(3_600_000)
      other.clock.advance(3_600_000)

      await h.mock.reset()

      expect((await control('/sessions')).body.sessions).toEqual(['default'])
      expect(h.mock.faults.list()).toEqual([])
      expect(h.mock.journal.size).toBe(0)
      expect(h.mock.clock.now()).toBe(start)
      expect(await names()).not.toContain('ONLY_DEFAULT')
      // A face held from before acts on the session of its name, created afresh.
      expect(other.faults.list()).toEqual([])
      expect(other.clock.now()).toBe(start)
      expect(await names('other')).not.toContain('ONLY_OTHER')
      expect(other.journal.find({ operation: LIST })).toHaveLength(1)
      expect(h.mock.session('other').journal.size).toBe(1)
    })

    it('mock.session(name).reset() resets that session only; POST /__mock/reset is per-session too', async () => {
      await create('in_a', 'a')
      await create('in_b', 'b')
      h.mock.faults.add({ id: 'kept', match: { operation: 'cycle.*' }, effect: { status: 503 } })
      await h.mock.session('a').reset()
      expect(await names('a')).not.toContain('IN_A')
      expect(await names('b')).toContain('IN_B')
      expect(h.mock.faults.list().map((r) => r.id)).toEqual(['kept'])
      const reset = await control('/reset', {
        method: 'POST',
        headers: inSession('b'),
        body: '{"scenario":"empty"}',
      })
      expect(reset.body).toEqual({ session: 'b', scenario: 'empty', seed: 1 })
      expect(await names('b')).toEqual([])
      expect(h.mock.faults.list().map((r) => r.id)).toEqual(['kept'])
    })

    it('takes a scenario object, and makes the options the mock-wide start for new sessions', async () => {
      const bare: Scenario = { name: 'bare', description: 'no data at all', seed: async () => {} }
      await h.mock.session('a').reset({ scenario: bare })
      expect((await list('a')).status, 'not even the database exists').toBe(404)
      expect(await names()).not.toEqual([])
      await h.mock.reset({ scenario: 'empty', seed: 5 })
      expect(await names()).toEqual([])
      const health = await control('/health', { headers: inSession('later') })
      expect(health.body).toMatchObject({ session: 'later', scenario: 'empty', seed: 5 })
    })

    it.each([
      [
        'an unknown scenario',
        { scenario: 'nope' },
        /unknown scenario "nope"; known scenarios: default/,
      ],
      ['a negative seed', { seed: -1 }, /seed must be an integer from 0 to 4294967295; got -1/],
      ['an unknown option', { sead: 1 }, /reset options take scenario and seed; unknown: sead/],
      [
        'a scenario object without seed()',
        { scenario: { name: 'x' } },
        /needs a name and a seed\(world\) function/,
      ],
    ])('rejects %s as a promise and changes nothing', async (_, options, message) => {
      h.mock.faults.add({ id: 'kept', match: { operation: 'cycle.*' }, effect: { status: 503 } })
      await create('kept_repo', 'a')
      for (const reset of [
        () => h.mock.reset(options as never),
        () => h.mock.session('a').reset(options as never),
      ]) {
        let pending: Promise<void> | undefined
        expect(() => {
          pending = reset()
        }).not.toThrow()
        await expect(pending).rejects.toThrow(message)
      }
      expect(h.mock.faults.list().map((r) => r.id)).toEqual(['kept'])
      expect(await names('a')).toContain('KEPT_REPO')
    })
  })

  it('takes its methods detached, as the methods of a plain object', async () => {
    const { session, reset } = h.mock
    const { add, list: rules } = session('a').faults
    const { find } = session('a').journal
    const { now, advance } = session('a').clock
    const epoch = now()
    add({ id: 'detached', match: { operation: LIST }, effect: { status: 503 } })
    expect(rules().map((r) => r.id)).toEqual(['detached'])
    expect((await list('a')).status).toBe(503)
    expect(find({ operation: LIST }).map((e) => e.status)).toEqual([503])
    const start = now()
    advance(1000)
    expect(now()).toBe(start + 1000)
    await reset()
    expect(rules()).toEqual([])
    expect(now(), 'session a starts again').toBe(epoch)
  })

  describe('the clock', () => {
    it('GET /__mock/clock and /__mock/health show the session clock without moving it', async () => {
      const now = h.mock.clock.now()
      const expected = { now: new Date(now).toISOString(), nowMs: now, mode: 'step' }
      expect((await control('/clock')).body).toEqual(expected)
      expect((await control('/clock')).body).toEqual(expected)
      expect((await control('/health')).body.clock).toEqual(expected)
      await control('/clock', { method: 'POST', body: '{"advanceMs":60000}' })
      expect((await control('/clock')).body.nowMs).toBe(now + 60_000)
      // Another session has a clock of its own.
      await h.mock.session('other').ready
      h.mock.session('other').clock.set('2030-01-01T00:00:00Z')
      expect((await control('/clock', { headers: inSession('other') })).body).toEqual({
        now: '2030-01-01T00:00:00.000Z',
        nowMs: Date.parse('2030-01-01T00:00:00Z'),
        mode: 'step',
      })
    })
  })

  describe('HEAD on the control API', () => {
    it.each([
      '/__mock/health',
      '/__mock/clock',
      '/__mock/faults',
      '/__mock/journal?limit=5',
      '/__mock/journal?limit=-1',
      '/__mock/scenarios',
      '/__mock/sessions',
      '/__mock/state',
      '/__mock/openapi.json',
      '/__mock/',
      '/__mock',
    ])('answers HEAD %s with the status and headers of GET and no body', async (path) => {
      const get = await h.fetch(path)
      const head = await h.fetch(path, { method: 'HEAD' })
      expect(head.status).toBe(get.status)
      for (const name of ['content-type', 'content-length']) {
        expect(head.headers.get(name), name).toBe(get.headers.get(name))
      }
      expect(await head.text()).toBe('')
    })

    it('leaves vendor routes to the vendor: RHACS answers HEAD as grpc-gateway does (501, code 12)', async () => {
      const head = await h.fetch('/v1/images', { method: 'HEAD', headers: AUTH })
      expect(head.status).toBe(501)
    })
  })
})

describe('the --fault shorthand', () => {
  it.each([
    ['snowflake.*:delayMs=500', { match: { operation: 'snowflake.*' }, effect: { delayMs: 500 } }],
    [
      'snowflake.listImageRepositories:503:times=2:retryAfter=2',
      { match: { operation: LIST }, effect: { status: 503, retryAfter: 2 }, times: 2 },
    ],
    [
      '*.create*:timeout:probability=0.1:seed=1:delayMs=20',
      {
        match: { operation: '*.create*' },
        effect: { network: 'timeout', delayMs: 20 },
        probability: 0.1,
        seed: 1,
      },
    ],
    [
      'cycle.getJob:302:location=https://api.cycle.io/v1/jobs/x?a=b:id=moved',
      {
        id: 'moved',
        match: { operation: 'cycle.getJob' },
        effect: { status: 302, location: 'https://api.cycle.io/v1/jobs/x?a=b' },
      },
    ],
    [
      'snowflake.getTags:418:body={"teapot":true,"at":"x:y"}:method=GET:path=/api/v2/*:get-tags',
      {
        match: { operation: 'snowflake.getTags', method: 'GET', path: '/api/v2/*:get-tags' },
        effect: { status: 418, body: { teapot: true, at: 'x:y' } },
      },
    ],
    [
      'snowflake.createImageRepository:reset:when=afterCommit:times=1',
      {
        match: { operation: 'snowflake.createImageRepository' },
        effect: { network: 'reset', when: 'afterCommit' },
        times: 1,
      },
    ],
    [
      'snowflake.*:delayMs=lognormal(120,0.8,10000)',
      {
        match: { operation: 'snowflake.*' },
        effect: { delayMs: { distribution: 'lognormal', median: 120, sigma: 0.8, max: 10000 } },
      },
    ],
    [
      'snowflake.*:503:delayMs=uniform(50, 400)',
      {
        match: { operation: 'snowflake.*' },
        effect: { status: 503, delayMs: { distribution: 'uniform', min: 50, max: 400 } },
      },
    ],
    [
      'snowflake.*:503:from=+5s:until=+30s:every=2',
      {
        match: { operation: 'snowflake.*' },
        effect: { status: 503 },
        window: { from: '+5s', until: '+30s' },
        every: 2,
      },
    ],
    [
      'cycle.*:503:principal=651586fca6078e98982dbd90/*',
      {
        match: { operation: 'cycle.*', principal: '651586fca6078e98982dbd90/*' },
        effect: { status: 503 },
      },
    ],
    ['swr.*:quota=10/1000', { match: { operation: 'swr.*' }, quota: { limit: 10, perMs: 1000 } }],
    [
      'snowflake.*:503:quota=5/60000/principal',
      {
        match: { operation: 'snowflake.*' },
        effect: { status: 503 },
        quota: { limit: 5, perMs: 60000, by: 'principal' },
      },
    ],
    [
      'snowflake.*:503:every=60s:for=10s',
      {
        match: { operation: 'snowflake.*' },
        effect: { status: 503 },
        window: { every: '60s', for: '10s' },
      },
    ],
    [
      'snowflake.*:truncate:bytes=10',
      { match: { operation: 'snowflake.*' }, effect: { network: 'truncate', bytes: 10 } },
    ],
    ['swr.*:garbage', { match: { operation: 'swr.*' }, effect: { network: 'garbage' } }],
    [
      'cycle.*:bytesPerSecond=512:delayMs=100',
      { match: { operation: 'cycle.*' }, effect: { bytesPerSecond: 512, delayMs: 100 } },
    ],
    [
      'rhacs.*:empty:times=1',
      { match: { operation: 'rhacs.*' }, effect: { network: 'empty' }, times: 1 },
    ],
    [
      'swr.*:delayMs=300:header.X-Env=prod*:query.center=third*:body.name=TEST_*',
      {
        match: {
          operation: 'swr.*',
          headers: { 'X-Env': 'prod*' },
          query: { center: 'third*' },
          body: { name: 'TEST_*' },
        },
        effect: { delayMs: 300 },
      },
    ],
    [
      'snowflake.createImageRepository:409:body.name=TEST_*:body.comment=*:x',
      {
        match: {
          operation: 'snowflake.createImageRepository',
          body: { name: 'TEST_*', comment: '*:x' },
        },
        effect: { status: 409 },
      },
    ],
    [
      'cycle.deleteImageSource:async=fail:times=1',
      { match: { operation: 'cycle.deleteImageSource' }, effect: { async: 'fail' }, times: 1 },
    ],
  ])('parses %s into a rule the engine accepts', async (spec, rule) => {
    const parsed = parseFaultSpec(spec)
    expect(parsed).toEqual(rule)
    const h = await startHarness('msw')
    try {
      expect(() => h.mock.raw.faults.add(parsed)).not.toThrow()
    } finally {
      await h.close()
    }
  })

  it.each([
    ['snowflake.*', /expected OPERATION\[:STATUS\|reset\|timeout\]/],
    // A quota with no colon before it is no option: the whole spec is the operation.
    ['quota=10/1000', /expected OPERATION\[:STATUS\|reset\|timeout\]/],
    ['operation=swr.*,quota=10/0', /expected OPERATION\[:STATUS\|reset\|timeout\]/],
    ['snowflake.*:banana', /neither a status code nor reset\/timeout/],
    ['snowflake.*:503:times=x', /times must be a number/],
    // Numbers are read as every other numeric flag reads them: decimal digits only.
    [
      'snowflake.*:503:times=0x10',
      /times must be a number \(a whole number in decimal digits\); got "0x10"/,
    ],
    [
      'snowflake.*:503:times=1e3',
      /times must be a number \(a whole number in decimal digits\); got "1e3"/,
    ],
    ['snowflake.*:503:after= 7', /after must be a number/],
    ['snowflake.*:503:probability=5e-1', /probability must be a number \(decimal digits/],
    ['swr.*:delayMs=uniform(0x1,5)', /min must be a number/],
    ['swr.*:delayMs=lognormal(100,1e0,900)', /sigma must be a number/],
    ['snowflake.*:503:body={', /body must be JSON/],
    ['snowflake.*:503:colour=red', /unknown option "colour"/],
    ['swr.*:503:headers.X-Env=prod', /unknown option "headers.X-Env"/],
    ['swr.*:delayMs=gamma(1,2)', /delayMs=gamma\(1,2\) is no distribution/],
    ['swr.*:delayMs=uniform(1)', /delayMs=uniform\(min,max\) takes 2 numbers/],
    ['swr.*:quota=10', /quota=LIMIT\/PERMS\[\/BY\]; got "10"/],
    ['swr.*:503:query.center=', /option "query.center=" must be key=value/],
  ])('refuses %s saying why', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message)
  })
})
