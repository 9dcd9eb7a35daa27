import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_HEADERS = { 'Content-Type': 'application/json' }

describe.each(TRANSPORTS)('hostile control-API input is refused whole (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  it('refuses a fault rule whose body nests too deep, and stores nothing', async () => {
    h = await startHarness(transport, { seed: 1 })
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
    const response = await h.fetch('/__mock/faults', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: `{"match":{"operation":"snowflake.listDatabases"},"effect":{"status":503,"body":${deep}}}`,
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error.message).toMatch(/nest at most 64 levels/)
    expect((await (await h.fetch('/__mock/faults')).json()).rules).toEqual([])
    expect((await h.fetch('/api/v2/databases', { headers: AUTH })).status).toBe(200)
  })

  it.each(['\r\nX-Evil: 1', 'javascript:alert(1)', '//elsewhere.test/x'])(
    'refuses the redirect location %j',
    async (location) => {
      h = await startHarness(transport, { seed: 1 })
      const response = await h.fetch('/__mock/faults', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ match: { operation: '*' }, effect: { status: 302, location } }),
      })
      expect(response.status).toBe(400)
      expect(h.mock.faults.list()).toEqual([])
    },
  )

  it('refuses a clock past year 9999 and keeps serving with the old time', async () => {
    h = await startHarness(transport, { seed: 1 })
    const before = h.mock.clock.now()
    for (const body of [{ now: 8_639_999_999_999_999 }, { now: -1 }, { advanceMs: 8e15 }]) {
      const response = await h.fetch('/__mock/clock', {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify(body),
      })
      expect(response.status, JSON.stringify(body)).toBe(400)
    }
    expect(h.mock.clock.now()).toBe(before)
    expect((await h.fetch('/api/v2/databases', { headers: AUTH })).status).toBe(200)
  })
})
