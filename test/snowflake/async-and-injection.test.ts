import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectSnowflakeShape } from './contract.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('Snowflake async results and forced statuses (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers 202 with Location for Prefer: respond-async, then 202 while running, then 200 with the real body', async () => {
    const response = await h.fetch(`${REPOS}?createMode=errorIfExists`, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json', Prefer: 'respond-async' },
      body: JSON.stringify({ name: 'async_repo' }),
    })
    expect(response.status).toBe(202)
    const accepted = await response.json()
    expectSnowflakeShape('SuccessAcceptedResponse', accepted)
    expect(accepted.code).toBe('392604')
    expect(accepted.message).toMatch(/Request execution in progress/)
    expect(response.headers.get('location')).toBe(`/api/v2/results/${accepted.resultHandler}`)

    const first = await h.fetch(response.headers.get('location') as string, { headers: AUTH })
    expect(first.status).toBe(202)
    expectSnowflakeShape('SuccessAcceptedResponse', await first.json())
    const second = await h.fetch(`/api/v2/results/${accepted.resultHandler}?page=0`, {
      headers: AUTH,
    })
    expect(second.status).toBe(200)
    expect(await second.json()).toEqual({
      status: 'Image Repository ASYNC_REPO successfully created.',
    })
  })

  it('completes at once when the session clock is advanced past the work', async () => {
    const response = await h.fetch(REPOS, { headers: { ...AUTH, Prefer: 'respond-async' } })
    const { resultHandler } = await response.json()
    h.mock.clock.advance(10_000)
    const result = await h.fetch(`/api/v2/results/${resultHandler}`, { headers: AUTH })
    expect(result.status).toBe(200)
    expectSnowflakeShape('ImageRepository[]', await result.json())
  })

  it('delivers an async failure as the result: 409 for a duplicate create', async () => {
    const [existing] = await (await h.fetch(REPOS, { headers: AUTH })).json()
    const response = await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json', Prefer: 'respond-async' },
      body: JSON.stringify({ name: existing.name }),
    })
    expect(response.status).toBe(202)
    const { resultHandler } = await response.json()
    h.mock.clock.advance(10_000)
    const result = await h.fetch(`/api/v2/results/${resultHandler}`, { headers: AUTH })
    expect(result.status).toBe(409)
    const body = await result.json()
    expectSnowflakeShape('ErrorResponse', body)
    expect(body.code).toBe('002002')
  })

  it('answers 404 for an unknown result handle and 400 for a bad page', async () => {
    const missing = await h.fetch('/api/v2/results/0000', { headers: AUTH })
    expect(missing.status).toBe(404)
    expect((await missing.json()).message).toMatch(/Result handle '0000' does not exist/)
    const badPage = await h.fetch('/api/v2/results/0000?page=-1', { headers: AUTH })
    expect(badPage.status).toBe(400)
    expect((await badPage.json()).message).toMatch(/page; expected an integer/)
  })

  it.each([429, 503])('forces %i with Prefer: code and adds Retry-After', async (status) => {
    const response = await h.fetch(REPOS, { headers: { ...AUTH, Prefer: `code=${status}` } })
    expect(response.status).toBe(status)
    expect(response.headers.get('retry-after')).toBe('1')
    const body = await response.json()
    expectSnowflakeShape('ErrorResponse', body)
    expect(body.request_id).toBe(response.headers.get('x-snowflake-request-id'))
    expect(body.code).toBe(status === 429 ? '391918' : '391923')
  })

  it('forces each contract error status of fetchImageRepository', async () => {
    for (const status of [400, 401, 403, 404, 405, 429, 500, 503, 504]) {
      const response = await h.fetch(`${REPOS}/anything`, {
        headers: { ...AUTH, Prefer: `code=${status}` },
      })
      expect(response.status).toBe(status)
      expectSnowflakeShape('ErrorResponse', await response.json())
    }
  })

  it('refuses Prefer: code= with a status the operation does not return', async () => {
    const response = await h.fetch(`${REPOS}/anything`, {
      headers: { ...AUTH, Prefer: 'code=409' },
    })
    expect(response.status).toBe(400)
    const body = await response.json()
    expectSnowflakeShape('ErrorResponse', body)
    expect(body.message).toMatch(/Prefer: code=409 is not a status fetchImageRepository returns/)
  })
})

describe('Snowflake determinism', () => {
  async function listTwice(seed: number) {
    const h = await startHarness('express', { seed })
    try {
      const list = await (await h.fetch(REPOS, { headers: AUTH })).text()
      const created = await h.fetch(REPOS, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: '{"name":"x"}',
      })
      expect(created.status).toBe(200)
      const fetched = await (await h.fetch(`${REPOS}/x`, { headers: AUTH })).text()
      return { list, fetched, requestId: created.headers.get('x-snowflake-request-id') }
    } finally {
      await h.close()
    }
  }

  it('gives byte-identical responses for the same seed, and different data for another seed', async () => {
    const a = await listTwice(7)
    const b = await listTwice(7)
    const c = await listTwice(8)
    expect(b).toEqual(a)
    expect(c.list).not.toBe(a.list)
  })

  it('reseeds a session with POST /__mock/reset', async () => {
    const mock = createMock({ seed: 7 })
    await mock.ready
    const before = mock.db.snowflake.repositories.all().map((r) => r.name)
    await mock.reset({ seed: 8 })
    const after = mock.db.snowflake.repositories.all().map((r) => r.name)
    expect(after).not.toEqual(before)
    await mock.reset({ seed: 7 })
    expect(mock.db.snowflake.repositories.all().map((r) => r.name)).toEqual(before)
  })
})
