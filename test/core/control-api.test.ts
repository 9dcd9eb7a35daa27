import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('control API (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport, { seed: 5 })
  })
  afterEach(() => h.close())

  const json = async (path: string, init?: RequestInit) => {
    const response = await h.fetch(path, init)
    return { status: response.status, body: await response.json() }
  }

  it('reports health with scenario, seed, sessions and every operation served', async () => {
    const { status, body } = await json('/__mock/health')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      status: 'ok',
      session: 'default',
      scenario: 'default',
      seed: 5,
      sessions: 1,
      auth: true,
    })
    expect(body.operations).toContainEqual({
      id: 'snowflake.createImageRepository',
      method: 'POST',
      path: '/api/v2/databases/{database}/schemas/{schema}/image-repositories',
      statuses: expect.arrayContaining([409, 429, 503]),
      // A create under `Prefer: respond-async` starts work an `async: "fail"` rule can fail.
      asyncWork: 'a Prefer: respond-async result, polled with fetchResult',
    })
    const list = body.operations.find((o: { id: string }) => o.id === 'snowflake.listDatabases')
    expect(list.asyncWork).toBe('a Prefer: respond-async result, polled with fetchResult')
    const fetchResult = body.operations.find(
      (o: { id: string }) => o.id === 'snowflake.fetchResult',
    )
    expect(fetchResult).not.toHaveProperty('asyncWork')
    // The statuses a fault rule may force, per operation: SWR's gateway has no 503.
    const swr = body.operations.find((o: { id: string }) => o.id === 'swr.ListSharedReposDetails')
    expect(swr.statuses).toContain(502)
    expect(swr.statuses).not.toContain(503)
  })

  it('lists the scenarios', async () => {
    const { body } = await json('/__mock/scenarios')
    expect(body.map((s: { name: string }) => s.name)).toEqual([
      'default',
      'empty',
      'large',
      'flaky',
    ])
  })

  it('resets to another scenario and seed, and refuses unknown ones with a 400', async () => {
    await h.fetch(REPOS, {
      method: 'POST',
      headers: JSON_AUTH,
      body: '{"name":"gone_after_reset"}',
    })
    const reset = await json('/__mock/reset', {
      method: 'POST',
      body: JSON.stringify({ scenario: 'empty', seed: 9 }),
    })
    expect(reset).toEqual({ status: 200, body: { session: 'default', scenario: 'empty', seed: 9 } })
    expect(await (await h.fetch(REPOS, { headers: AUTH })).json()).toEqual([])
    const unknown = await json('/__mock/reset', { method: 'POST', body: '{"scenario":"nope"}' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.message).toMatch(
      /unknown scenario "nope"; known scenarios: default, empty, large, flaky/,
    )
    const badSeed = await json('/__mock/reset', { method: 'POST', body: '{"seed":-1}' })
    expect(badSeed.status).toBe(400)
    expect(badSeed.body.error.message).toMatch(/seed/)
    expect((await json('/__mock/health')).body).toMatchObject({ scenario: 'empty', seed: 9 })
  })

  it('exports a session and imports it into another, faults and clock included', async () => {
    await h.fetch(REPOS, { method: 'POST', headers: JSON_AUTH, body: '{"name":"exported"}' })
    h.mock.faults.add({
      id: 'keep',
      match: { operation: 'snowflake.getTags' },
      effect: { status: 500 },
    })
    const { body: state } = await json('/__mock/state')
    expect(state.version).toBe(1)
    expect(
      state.stores.snowflake.repositories.some((r: { name: string }) => r.name === 'EXPORTED'),
    ).toBe(true)
    const imported = await h.fetch('/__mock/state', {
      method: 'PUT',
      headers: { 'X-Mock-Session': 'copy' },
      body: JSON.stringify(state),
    })
    expect(imported.status).toBe(200)
    const copy = await (
      await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 'copy' } })
    ).json()
    const original = await (await h.fetch(REPOS, { headers: AUTH })).json()
    expect(copy).toEqual(original)
    const faults = await json('/__mock/faults', { headers: { 'X-Mock-Session': 'copy' } })
    expect(faults.body.rules.map((r: { id: string }) => r.id)).toEqual(['keep'])
  })

  it('refuses an invalid state with a 400 and keeps the session as it was', async () => {
    const before = await (await h.fetch(REPOS, { headers: AUTH })).json()
    const { body: state } = await json('/__mock/state')
    state.stores.snowflake.repositories.push({ name: 42 })
    for (const bad of [
      JSON.stringify(state),
      '[]',
      '{"stores":{"nope":{}}}',
      '{"stores":{},"faults":[{"effect":{}}]}',
      '{"version":99,"stores":{}}',
      '{"version":1,"seed":"x","stores":{}}',
      '{"version":1,"seed":-5,"stores":{}}',
      '{"version":1,"scenario":42,"stores":{}}',
      'not json',
    ]) {
      const response = await json('/__mock/state', { method: 'PUT', body: bad })
      expect(response.status, bad.slice(0, 40)).toBe(400)
      expect(response.body.error.message.length).toBeGreaterThan(10)
    }
    expect(await (await h.fetch(REPOS, { headers: AUTH })).json()).toEqual(before)
  })

  it('moves the session clock by advanceMs or to an instant, and refuses anything else', async () => {
    const start = h.mock.clock.now()
    const advanced = await json('/__mock/clock', { method: 'POST', body: '{"advanceMs":3600000}' })
    expect(advanced.status).toBe(200)
    expect(Date.parse(advanced.body.now)).toBe(start + 3_600_000)
    const set = await json('/__mock/clock', {
      method: 'POST',
      body: '{"now":"2030-01-01T00:00:00Z"}',
    })
    expect(set.body.now).toBe('2030-01-01T00:00:00.000Z')
    await h.fetch(REPOS, { method: 'POST', headers: JSON_AUTH, body: '{"name":"future"}' })
    const repo = await (await h.fetch(`${REPOS}/future`, { headers: AUTH })).json()
    expect(repo.created_on.startsWith('2030-01-01T00:00:0')).toBe(true)
    for (const bad of [
      '{"advanceMs":-5}',
      '{"now":"yesterday"}',
      '{}',
      '{"advanceMs":1,"now":0}',
    ]) {
      const response = await json('/__mock/clock', { method: 'POST', body: bad })
      expect(response.status, bad).toBe(400)
      expect(response.body.error.message).toMatch(/advanceMs|now/)
    }
  })

  it('answers refused input with a 400 saying why, and a failure of the mock itself with a 500', async () => {
    await h.close()
    const broken = {
      name: 'broken',
      description: 'a scenario with a bug',
      seed: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'name')")
      },
    }
    h = await startHarness(transport, { seed: 5, scenarios: [broken] })
    const advance = await json('/__mock/clock', {
      method: 'POST',
      body: '{"now":"9999-12-31T00:00:00Z"}',
    })
    expect(advance.status).toBe(200)
    const past = await json('/__mock/clock', { method: 'POST', body: '{"advanceMs":86400000}' })
    expect(past).toEqual({
      status: 400,
      body: {
        error: {
          status: 400,
          message: 'advance() would move the clock past 9999-12-31T23:59:59.999Z',
        },
      },
    })
    const options = await json('/__mock/reset', { method: 'POST', body: '{"seed":1.5,"sead":1}' })
    expect(options.status).toBe(400)
    expect(options.body.error.message).toBe(
      'seed must be an integer from 0 to 4294967295; got 1.5; reset options take scenario and seed; unknown: sead',
    )
    // A TypeError from the scenario's code is the mock's bug, not the caller's input.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const failed = await json('/__mock/reset', {
        method: 'POST',
        headers: { 'X-Mock-Session': 'other' },
        body: '{"scenario":"broken"}',
      })
      expect(failed.status).toBe(500)
      expect(failed.body.error.message).toMatch(/reading 'name'/)
      expect(logged).toHaveBeenCalled()
    } finally {
      logged.mockRestore()
    }
  })
})

describe('the standalone server for browsers on another origin', () => {
  it('answers CORS preflights and exposes the vendor headers', async () => {
    const h = await startHarness('express')
    try {
      const preflight = await h.fetch(REPOS, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-mock-session',
        },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
      expect(preflight.headers.get('access-control-allow-headers')).toBe(
        'authorization,content-type,x-mock-session',
      )
      const list = await h.fetch(REPOS, { headers: { ...AUTH, Origin: 'http://localhost:5173' } })
      expect(list.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
      expect(list.headers.get('access-control-expose-headers')).toBe('*')
    } finally {
      await h.close()
    }
  })
})

describe('version', () => {
  it('reports the package version in health', async () => {
    const { readFileSync } = await import('node:fs')
    const { VERSION } = await import('../../core/version.ts')
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(VERSION).toBe(pkg.version)
  })
})
