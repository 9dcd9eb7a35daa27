import { getResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('request journal (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('records each API request with its operation, status, body, query and fault, but not control calls', async () => {
    await h.fetch('/__mock/health')
    await h.fetch(`${REPOS}?like=ml%25`, { headers: AUTH })
    await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        id: 'boom',
        match: { operation: 'snowflake.create*' },
        effect: { status: 503 },
      }),
    })
    const create = await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: '{"name":"j"}',
    })
    const { entries, size, dropped, limit } = await (await h.fetch('/__mock/journal')).json()
    expect({ size, dropped, limit }).toEqual({ size: 2, dropped: 0, limit: 10_000 })
    expect(entries[0]).toMatchObject({
      id: 1,
      session: 'default',
      operation: 'snowflake.listImageRepositories',
      vendor: 'snowflake',
      method: 'GET',
      path: REPOS,
      query: { like: 'ml%' },
      requestBody: null,
      status: 200,
      network: null,
      fault: null,
    })
    expect(entries[1]).toMatchObject({
      operation: 'snowflake.createImageRepository',
      requestBody: '{"name":"j"}',
      status: 503,
      fault: 'boom',
      requestId: create.headers.get('x-snowflake-request-id'),
    })
    expect(entries[1].time > entries[0].time).toBe(true)
    expect(typeof entries[0].durationMs).toBe('number')
  })

  it('filters by operation glob, status, method and limit, and clears', async () => {
    await h.fetch(REPOS, { headers: AUTH })
    await h.fetch(`${REPOS}/ghost`, { headers: AUTH })
    await h.fetch(`${REPOS}/ghost`, { headers: AUTH })
    const find = async (query: string) =>
      (await (await h.fetch(`/__mock/journal?${query}`)).json()).entries
    expect(await find('operation=snowflake.fetch*')).toHaveLength(2)
    expect(await find('status=404')).toHaveLength(2)
    expect(await find('status=200&method=get')).toHaveLength(1)
    expect((await find('limit=1'))[0].operation).toBe('snowflake.fetchImageRepository')
    expect(h.mock.journal.find({ operation: '*.list*' })).toHaveLength(1)
    expect((await h.fetch('/__mock/journal?limit=-1')).status).toBe(400)
    expect((await h.fetch('/__mock/journal', { method: 'DELETE' })).status).toBe(204)
    expect(await find('')).toEqual([])
  })

  it('records a preview of each response body, cut at 2048 characters, without holding it back', async () => {
    const small = await h.fetch(`${REPOS}/ghost`, { headers: AUTH })
    const large = await h.fetch('/v1/images/sources?page[size]=100', {
      headers: { Authorization: 'Bearer t', 'X-Hub-Id': '651586fca6078e98982dbd90' },
    })
    const reset = { match: { operation: 'snowflake.list*' }, effect: { network: 'reset' } }
    h.mock.faults.add(reset as Parameters<typeof h.mock.faults.add>[0])
    await h.fetch(REPOS, { headers: AUTH }).catch(() => undefined)
    const [ghost, sources, dropped] = h.mock.journal.find()
    expect(ghost).toMatchObject({ responseBody: await small.text(), responseBodyTruncated: false })
    const full = await large.text()
    expect(full.length, 'the client still gets the whole body').toBeGreaterThan(2048)
    expect(sources).toMatchObject({
      responseBody: full.slice(0, 2048),
      responseBodyTruncated: true,
    })
    expect(dropped).toMatchObject({ network: 'reset', responseBody: null })
  })

  it('truncates large request bodies in the journal', async () => {
    const name = 'A'.repeat(5000)
    await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    })
    const [entry] = h.mock.journal.find()
    expect(entry?.requestBody).toHaveLength(2048)
    expect(entry?.requestBodyTruncated).toBe(true)
  })
})

describe('journal cap', () => {
  it('holds 10,000 entries under 50,000 requests and reports the dropped count', async () => {
    const mock = createMock()
    await mock.ready
    const url = `http://mock.test${REPOS}/ghost`
    for (let i = 0; i < 50_000; i++) {
      const response = await getResponse(mock.handlers, new Request(url, { headers: AUTH }))
      if (response?.status !== 404) throw new Error(`request ${i} answered ${response?.status}`)
    }
    expect(mock.journal.size).toBe(10_000)
    expect(mock.journal.dropped).toBe(40_000)
    const entries = mock.journal.find()
    expect(entries[0]?.id).toBe(40_001)
    expect(entries.at(-1)?.id).toBe(50_000)
  }, 120_000)
})
