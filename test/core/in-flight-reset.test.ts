import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const SNOWFLAKE = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const MESSAGE = 'the session was reset while this request was in flight; it did not run'

const json = { 'Content-Type': 'application/json' }

describe.each(TRANSPORTS)('requests in flight across a reset or state import (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(rule),
    })
    expect(response.status).toBe(201)
  }
  const names = async () =>
    ((await (await h.fetch(REPOS, { headers: SNOWFLAKE })).json()) as Array<{ name: string }>).map(
      (repository) => repository.name,
    )

  it('a rule the reset removed does not fire, and the request is not journaled', async () => {
    await addRule({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { delayMs: 300, status: 500 },
    })
    const pending = h.fetch(REPOS, { headers: SNOWFLAKE })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await h.fetch('/__mock/reset', { method: 'POST' })).status).toBe(200)
    const response = await pending
    expect(response.status).toBe(503)
    expect(JSON.stringify(await response.json())).toContain(MESSAGE)
    const journal = await (await h.fetch('/__mock/journal')).json()
    expect(JSON.stringify(journal)).not.toContain('listImageRepositories')
  })

  it('a create in flight does not land in the imported state', async () => {
    const saved = await (await h.fetch('/__mock/state')).text()
    await addRule({
      match: { operation: 'snowflake.createImageRepository' },
      effect: { delayMs: 300 },
    })
    const pending = h.fetch(REPOS, {
      method: 'POST',
      headers: SNOWFLAKE,
      body: JSON.stringify({ name: 'in_flight' }),
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(
      (await h.fetch('/__mock/state', { method: 'PUT', headers: json, body: saved })).status,
    ).toBe(200)
    const response = await pending
    expect(response.status).toBe(503)
    expect(JSON.stringify(await response.json())).toContain(MESSAGE)
    expect(await names()).not.toContain('IN_FLIGHT')
    expect(await names()).not.toContain('in_flight')
  })

  it('a request that resolved its session after the reset runs normally', async () => {
    await h.fetch('/__mock/reset', { method: 'POST' })
    const response = await h.fetch(REPOS, {
      method: 'POST',
      headers: SNOWFLAKE,
      body: JSON.stringify({ name: 'after_reset' }),
    })
    expect(response.status).toBe(200)
    expect((await names()).map((n) => n.toLowerCase())).toContain('after_reset')
  })
})

describe.each(TRANSPORTS)('a fault rule whose window already ended (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('is refused with a 400 naming window.until and the session clock', async () => {
    const now = (await (await h.fetch('/__mock/clock')).json()).now as string
    const past = new Date(Date.parse(now) - 60_000).toISOString()
    for (const until of [past, now, '+0s']) {
      const response = await h.fetch('/__mock/faults', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          match: { operation: 'snowflake.listImageRepositories' },
          effect: { status: 503 },
          window: { until },
        }),
      })
      expect(response.status, until).toBe(400)
      expect(JSON.stringify(await response.json())).toMatch(
        /window\.until \(\d{4}-[^)]+Z\) is already past \(session clock \d{4}-[^)]+Z\)/,
      )
    }
    const rules = (await (await h.fetch('/__mock/faults')).json()).rules
    expect(rules).toEqual([])
  })
})

describe.each(TRANSPORTS)('fault counters in PUT /__mock/state (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const quotaRule = (extra: object) => ({
    id: 'q',
    match: { operation: 'snowflake.listImageRepositories' },
    quota: { limit: 5, perMs: 60_000 },
    ...extra,
  })
  const put = async (rule: object) => {
    const state = await (await h.fetch('/__mock/state')).json()
    return h.fetch('/__mock/state', {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ ...state, faults: [rule] }),
    })
  }

  it.each([
    [{ quotaUsage: 'garbage' }, 'quotaUsage'],
    [
      { quotaUsage: { windowStart: '2026-01-01T00:00:00.000Z', counts: { '': -5 } } },
      'quotaUsage.counts.',
    ],
    [
      { quotaUsage: { windowStart: '2026-01-01T00:00:00.000Z', counts: { '': 1.5 } } },
      'quotaUsage.counts.',
    ],
    [
      { quotaUsage: { windowStart: '2026-01-01T00:00:00.000Z', counts: { '': 1e308 } } },
      'quotaUsage.counts.',
    ],
    [
      { quotaUsage: { windowStart: '2026-01-01T00:00:00.000Z', counts: null } },
      'quotaUsage.counts',
    ],
    [{ quotaUsage: { windowStart: 'nope', counts: {} } }, 'quotaUsage.windowStart'],
    [{ quotaUsage: { windowStart: 5, counts: {} } }, 'quotaUsage.windowStart'],
    [
      { quotaUsage: { windowStart: '2026-01-01T00:00:00.000Z', counts: {}, more: 1 } },
      'quotaUsage',
    ],
    [{ matched: -7 }, 'matched'],
    [{ fired: 1e300 }, 'fired'],
  ])('refuses forged counters %j with a 400 naming %s', async (extra, path) => {
    const response = await put(quotaRule(extra))
    expect(response.status).toBe(400)
    expect(JSON.stringify(await response.json())).toContain(`state.faults[0].${path}`)
  })

  it('keeps valid counters, as a --state restart does', async () => {
    const now = (await (await h.fetch('/__mock/clock')).json()).now as string
    const response = await put(
      quotaRule({ matched: 3, fired: 1, quotaUsage: { windowStart: now, counts: { '': 3 } } }),
    )
    expect(response.status).toBe(200)
    const [rule] = (await (await h.fetch('/__mock/faults')).json()).rules
    expect(rule).toMatchObject({ id: 'q', matched: 3, fired: 1, quotaUsage: { counts: { '': 3 } } })
  })
})

describe.each(TRANSPORTS)('GET /__mock/state, serialised in slices (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers the same bytes as the whole export stringified at once', async () => {
    await h.fetch(REPOS, {
      method: 'POST',
      headers: SNOWFLAKE,
      body: JSON.stringify({ name: 'sliced "quoted" \u00e9' }),
    })
    const response = await h.fetch('/__mock/state')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const text = await response.text()
    expect(text).toBe(JSON.stringify(await h.mock.exportState()))
    const put = await h.fetch('/__mock/state', { method: 'PUT', headers: json, body: text })
    expect(await put.text()).toBe(text)
  })
})

describe.each(TRANSPORTS)('a large export beside other sessions (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it("lets another session's request complete before the export answers", async () => {
    const state = await h.mock.exportState()
    const snowflake = state.stores.snowflake!
    const [repository] = snowflake.repositories as Array<{ name: string }>
    const many = Array.from({ length: 20_000 }, (_, i) => ({ ...repository, name: `REPO_${i}` }))
    const big = h.mock.session('big')
    await big.ready
    await big.importState({ stores: { snowflake: { ...snowflake, repositories: many } } })
    const order: string[] = []
    const exported = h
      .fetch('/__mock/state', { headers: { 'X-Mock-Session': 'big' } })
      .then(async (response) => {
        await response.text()
        order.push('export')
      })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const other = h.fetch(REPOS, { headers: SNOWFLAKE }).then(async (response) => {
      expect(response.status).toBe(200)
      await response.text()
      order.push('other')
    })
    await Promise.all([exported, other])
    expect(order).toEqual(['other', 'export'])
  })
})
