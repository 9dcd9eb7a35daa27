import { afterEach, describe, expect, it } from 'vitest'
import type { Scenario } from '../../core/scenario.ts'
import { seedEveryVendor } from '../../scenarios/every-vendor.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

// A reset that seeds a data set of its own is as costly as a new session on it: it passes the
// same heap check, keeps the session's state when refused, never holds the event loop while it
// seeds, and of two overlapping resets the later one wins whole.

/** Big enough that seeding takes many slices of work (thousands of records per vendor). */
const bulky: Scenario = {
  name: 'bulky',
  description: 'a thousand records per vendor',
  seed: (world) => seedEveryVendor(world, { count: 1000 }),
}
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const SNOWFLAKE = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }

describe.each(TRANSPORTS)('resets that seed (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  const control = async (path: string, session: string, init: RequestInit = {}) => {
    const response = await h.fetch(path, {
      ...init,
      headers: { 'Content-Type': 'application/json', 'X-Mock-Session': session },
    })
    return { status: response.status, body: await response.json() }
  }
  const reset = (session: string, body: object) =>
    control('/__mock/reset', session, { method: 'POST', body: JSON.stringify(body) })

  it("answers another session's requests while a reset seeds", async () => {
    h = await startHarness(transport, { scenarios: [bulky] })
    expect((await control('/__mock/health', 'other')).status).toBe(200)
    const order: string[] = []
    const seeding = reset('resetting', { scenario: 'bulky', seed: 5 }).then((answer) => {
      order.push('reset')
      return answer
    })
    // Several in turn: each waits for the one before, so all of them need the loop to be free.
    for (let i = 0; i < 3; i++) {
      const health = await control('/__mock/health', 'other')
      expect(health.status).toBe(200)
      const listed = await h.fetch(REPOS, { headers: { ...SNOWFLAKE, 'X-Mock-Session': 'other' } })
      expect(listed.status).toBe(200)
    }
    order.push('other')
    const answer = await seeding
    expect(answer).toEqual({
      status: 200,
      body: { session: 'resetting', scenario: 'bulky', seed: 5 },
    })
    expect(order).toEqual(['other', 'reset'])
    const state = await control('/__mock/state', 'resetting')
    expect(state.body.stores.snowflake.repositories.length).toBeGreaterThanOrEqual(1000)
  })

  it('refuses a reset past --max-heap-mb with a 503 and keeps the session as it was', async () => {
    h = await startHarness(transport, { scenarios: [bulky], seed: 3, maxHeapBytes: 1 })
    const created = await h.fetch(REPOS, {
      method: 'POST',
      headers: SNOWFLAKE,
      body: '{"name":"kept"}',
    })
    expect(created.status).toBe(200)
    const rule = await control('/__mock/faults', 'default', {
      method: 'POST',
      body: '{"id":"kept","match":{"operation":"rhacs.*"},"effect":{"status":503}}',
    })
    expect(rule.status).toBe(201)
    const clock = (await control('/__mock/clock', 'default')).body
    const journal = (await control('/__mock/journal', 'default')).body.entries.length
    const before = (await control('/__mock/state', 'default')).body

    for (const body of [{ scenario: 'bulky', seed: 4 }, { seed: 4 }]) {
      const refused = await reset('default', body)
      expect(refused.status, JSON.stringify(body)).toBe(503)
      expect(refused.body.error.status).toBe(503)
      expect(refused.body.error.message).toMatch(
        /^the mock's heap holds \d+ MB, over the --max-heap-mb cap of 1 MB, so it seeds no new data set \(a reset of session "default" to a scenario and seed no session holds\)/,
      )
    }
    expect((await control('/__mock/health', 'default')).body).toMatchObject({
      scenario: 'default',
      seed: 3,
      clock,
    })
    expect(
      (await control('/__mock/faults', 'default')).body.rules.map((r: { id: string }) => r.id),
    ).toEqual(['kept'])
    expect((await control('/__mock/journal', 'default')).body.entries).toHaveLength(journal)
    expect((await control('/__mock/state', 'default')).body).toEqual(before)

    // A reset to the data set the session already holds costs nothing new: still served.
    const again = await reset('default', {})
    expect(again).toEqual({
      status: 200,
      body: { session: 'default', scenario: 'default', seed: 3 },
    })
    const names = (await (await h.fetch(REPOS, { headers: SNOWFLAKE })).json()).map(
      (r: { name: string }) => r.name,
    )
    expect(names).not.toContain('KEPT')
  })

  it('lets the later of two overlapping resets of a session win whole', async () => {
    h = await startHarness(transport, { scenarios: [bulky] })
    const [first, second] = await Promise.all([
      reset('twice', { scenario: 'bulky', seed: 11 }),
      reset('twice', { scenario: 'bulky', seed: 12 }),
    ])
    const health = (await control('/__mock/health', 'twice')).body
    expect([11, 12]).toContain(health.seed)
    // Each answers with the state it left: its own seed, or the later reset's when that one
    // overtook it before it took effect.
    for (const [answer, seed] of [
      [first, 11],
      [second, 12],
    ] as const) {
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ session: 'twice', scenario: 'bulky' })
      expect([seed, health.seed]).toContain(answer.body.seed)
    }
    const state = (await control('/__mock/state', 'twice')).body
    const alone = await reset('alone', { scenario: 'bulky', seed: health.seed })
    expect(alone.status).toBe(200)
    const expected = (await control('/__mock/state', 'alone')).body
    expect(JSON.stringify(state.stores)).toBe(JSON.stringify(expected.stores))
  })
})
