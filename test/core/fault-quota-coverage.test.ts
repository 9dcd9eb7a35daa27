import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const SNOWFLAKE = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories'
const CREATE = 'snowflake.createImageRepository'

describe.each(TRANSPORTS)("quotas: each vendor's rate-limit headers (%s)", (transport) => {
  let h: Harness
  beforeEach(async () => {
    // A frozen step clock: only advance() moves time.
    h = await startHarness(transport, { clock: { stepMs: 0 } })
  })
  afterEach(() => h.close())

  const swr = (headers: Record<string, string> = {}) =>
    h.fetch('/v2/manage/shared-repositories?center=self', {
      headers: { 'X-Auth-Token': 't', 'Content-Type': 'application/json', ...headers },
    })

  it('SWR: X-Apig-RateLimit-api under X-Apig-Mode: debug, as APIG writes it; none without', async () => {
    h.mock.faults.add({ match: { operation: 'swr.*' }, quota: { limit: 1, perMs: 60_000 } })
    expect((await swr()).status).toBe(200)
    const debug = await swr({ 'X-Apig-Mode': 'debug' })
    expect(debug.status).toBe(429)
    expect(debug.headers.get('x-apig-ratelimit-api')).toBe('remain:0,limit:1,time:1 minute')
    expect(debug.headers.get('retry-after')).toBe('60')
    const plain = await swr()
    expect(plain.status).toBe(429)
    expect([...plain.headers.keys()].filter((name) => /ratelimit/i.test(name))).toEqual([])
    expect(plain.headers.get('retry-after')).toBe('60')
  })

  it('SWR: a quota per caller is X-Apig-RateLimit-user', async () => {
    h.mock.faults.add({
      match: { operation: 'swr.*' },
      quota: { limit: 0, perMs: 1500, by: 'principal' },
    })
    const throttled = await swr({ 'X-Apig-Mode': 'debug' })
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('x-apig-ratelimit-user')).toBe(
      'remain:0,limit:0,time:1500 millisecond',
    )
    expect(throttled.headers.get('x-apig-ratelimit-api')).toBeNull()
  })

  it.each([
    ['snowflake.*', REPOS, SNOWFLAKE],
    ['rhacs.*', '/v1/images', { Authorization: 'Bearer t' }],
    [
      'cycle.*',
      '/v1/images/sources',
      { Authorization: 'Bearer t', 'X-Hub-Id': '651586fca6078e98982dbd90' },
    ],
  ])('%s publishes no rate-limit headers: Retry-After alone', async (operation, path, headers) => {
    h.mock.raw.faults.add({ match: { operation }, quota: { limit: 0, perMs: 5000 } })
    const response = await h.fetch(path, { headers: { ...headers, 'X-Apig-Mode': 'debug' } })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('5')
    expect([...response.headers.keys()].filter((name) => /rate-?limit/i.test(name))).toEqual([])
  })

  it('an imported state sets the clock before its rules: +DURATION windows and quotas start there', async () => {
    const now = h.mock.clock.now()
    const state = await h.mock.exportState()
    const at = now + 3_605_000
    await h.mock.importState({
      ...state,
      clock: at,
      faults: [
        {
          id: 'later',
          match: { operation: LIST },
          effect: { status: 503 },
          window: { from: '+5s' },
        },
        { id: 'quota', match: { operation: LIST }, quota: { limit: 1, perMs: 10_000 } },
      ],
    })
    expect(h.mock.faults.list()[0]?.window?.from).toBe(new Date(at + 5_000).toISOString())
    expect((await h.fetch(REPOS, { headers: SNOWFLAKE })).status).toBe(200)
    const throttled = await h.fetch(REPOS, { headers: SNOWFLAKE })
    expect(throttled.status).toBe(429)
    // The quota's window began at the imported clock: all 10 s of it are left.
    expect(throttled.headers.get('retry-after')).toBe('10')
  })
})

describe.each(TRANSPORTS)('resilience coverage of every fault kind (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport, { timeoutCeilingMs: 50 })
  })
  afterEach(() => h.close())

  interface OperationCoverage {
    operation: string
    received: { faults: string[] }
    untested: { faults: string[] }
  }
  const coverageOf = async (operation: string) => {
    const report = await (await h.fetch('/__mock/coverage')).json()
    return (report.operations as OperationCoverage[]).find((op) => op.operation === operation)
  }
  const send = async (path: string, init: RequestInit = {}) => {
    try {
      const response = await h.fetch(path, { ...init, headers: { ...SNOWFLAKE, ...init.headers } })
      await response.arrayBuffer()
    } catch {
      // A dropped connection or a cut body: the client met the fault.
    }
  }

  it('reports each kind as received once the client met it, untested before', async () => {
    await send(REPOS)
    await send(REPOS, { method: 'POST', body: JSON.stringify({ name: 'plain' }) })
    const before = await coverageOf(LIST)
    expect(before?.untested.faults).toEqual([
      'reset',
      'timeout',
      'truncate',
      'garbage',
      'empty',
      'slowBody',
      'asyncFail',
    ])
    expect((await coverageOf(CREATE))?.untested.faults).toContain('afterCommit')
    h.mock.faults.addAll([
      { match: { operation: LIST }, effect: { network: 'reset' }, times: 1 },
      { match: { operation: LIST }, effect: { network: 'timeout' }, times: 1 },
      { match: { operation: LIST }, effect: { network: 'truncate', bytes: 4 }, times: 1 },
      { match: { operation: LIST }, effect: { network: 'garbage' }, times: 1 },
      { match: { operation: LIST }, effect: { network: 'empty' }, times: 1 },
      { match: { operation: LIST }, effect: { bytesPerSecond: 100_000 }, times: 1 },
      { match: { operation: LIST }, effect: { async: 'fail' }, times: 1 },
      { match: { operation: CREATE }, effect: { status: 504, when: 'afterCommit' }, times: 1 },
    ])
    for (let i = 0; i < 6; i++) await send(REPOS)
    await send(REPOS, { headers: { Prefer: 'respond-async' } })
    await send(REPOS, { method: 'POST', body: JSON.stringify({ name: 'lost' }) })
    expect(h.mock.faults.list().map((rule) => rule.fired)).toEqual([1, 1, 1, 1, 1, 1, 1, 1])
    const after = await coverageOf(LIST)
    expect(after?.received.faults).toEqual([
      'reset',
      'timeout',
      'truncate',
      'garbage',
      'empty',
      'slowBody',
      'asyncFail',
    ])
    expect(after?.untested.faults).toEqual([])
    const create = await coverageOf(CREATE)
    expect(create?.received.faults).toEqual(['afterCommit'])
    expect(create?.untested.faults).not.toContain('afterCommit')
  })
})
