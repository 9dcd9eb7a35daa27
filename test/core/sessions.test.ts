import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('sessions (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  const names = async (session?: string) => {
    const response = await h.fetch(REPOS, {
      headers: session ? { ...AUTH, 'X-Mock-Session': session } : AUTH,
    })
    return (await response.json()).map((r: { name: string }) => r.name) as string[]
  }

  it('keeps sessions apart under concurrent requests, each starting from the scenario', async () => {
    h = await startHarness(transport)
    const baseline = await names()
    const sessions = Array.from({ length: 20 }, (_, i) => `run-${i}`)
    await Promise.all(
      sessions.map((session) =>
        h.fetch(REPOS, {
          method: 'POST',
          headers: { ...JSON_AUTH, 'X-Mock-Session': session },
          body: JSON.stringify({ name: `only_in_${session.replace('-', '_')}` }),
        }),
      ),
    )
    const seen = await Promise.all(sessions.map((session) => names(session)))
    for (const [i, list] of seen.entries()) {
      const own = `ONLY_IN_RUN_${i}`
      expect(list).toContain(own)
      expect(list.filter((n) => n.startsWith('ONLY_IN_'))).toEqual([own])
      expect(list.filter((n) => !n.startsWith('ONLY_IN_'))).toEqual(baseline)
    }
    expect(await names()).toEqual(baseline)
  })

  it("a new session's first control call already sees its scenario's preset fault rules", async () => {
    h = await startHarness(transport, { scenario: 'flaky' })
    const session = (name: string) => ({ 'X-Mock-Session': name })
    const listed = await (await h.fetch('/__mock/faults', { headers: session('fresh') })).json()
    expect(listed.rules.map((r: { id: string }) => r.id)).toContain('list-503-twice')
    // Cleared by the very first call: the preset rules must not come back once seeding ends.
    const cleared = await h.fetch('/__mock/faults', { method: 'DELETE', headers: session('clean') })
    expect(cleared.status).toBe(204)
    const list = await h.fetch(REPOS, { headers: { ...AUTH, ...session('clean') } })
    expect(list.status).toBe(200)
    const after = await (await h.fetch('/__mock/faults', { headers: session('clean') })).json()
    expect(after.rules).toEqual([])
    // Removing one preset rule first finds it.
    const removed = await h.fetch('/__mock/faults/list-503-twice', {
      method: 'DELETE',
      headers: session('one-less'),
    })
    expect(removed.status).toBe(204)
  })

  it('a reset while requests are in flight never shows them an empty or half-seeded store', async () => {
    h = await startHarness(transport)
    let before = await names()
    // A new seed each round, so the reset really seeds while the reads run.
    for (let round = 0; round < 4; round++) {
      const reads = Array.from({ length: 12 }, (_, i) =>
        new Promise((r) => setTimeout(r, i)).then(() => names()),
      )
      const reset = h.fetch('/__mock/reset', {
        method: 'POST',
        body: JSON.stringify({ seed: 100 + round }),
      })
      const seen = await Promise.all(reads)
      expect((await reset).status).toBe(200)
      const after = await names()
      expect(after).not.toEqual(before)
      for (const list of seen) expect([before, after]).toContainEqual(list)
      before = after
    }
  })

  it('resets one session without touching another, and keeps faults and journals apart', async () => {
    h = await startHarness(transport)
    const headers = (session: string) => ({ 'X-Mock-Session': session })
    await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...JSON_AUTH, ...headers('a') },
      body: '{"name":"in_a"}',
    })
    await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...JSON_AUTH, ...headers('b') },
      body: '{"name":"in_b"}',
    })
    await h.fetch('/__mock/faults', {
      method: 'POST',
      headers: headers('b'),
      body: JSON.stringify({ match: { operation: 'snowflake.*' }, effect: { status: 503 } }),
    })
    expect((await h.fetch('/__mock/reset', { method: 'POST', headers: headers('a') })).status).toBe(
      200,
    )
    expect(await names('a')).not.toContain('IN_A')
    const inB = await h.fetch(REPOS, { headers: { ...AUTH, ...headers('b') } })
    expect(inB.status).toBe(503)
    await h.fetch('/__mock/faults', { method: 'DELETE', headers: headers('b') })
    expect(await names('b')).toContain('IN_B')
    const journalA = await (await h.fetch('/__mock/journal', { headers: headers('a') })).json()
    expect(journalA.entries.every((e: { session: string }) => e.session === 'a')).toBe(true)
    expect(journalA.entries).toHaveLength(1)
  })

  it('answers 400 in the vendor shape for an invalid session name', async () => {
    h = await startHarness(transport)
    const response = await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 'has space' } })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.message).toMatch(/X-Mock-Session must be 1-64 letters/)
    expect(body.request_id).toBe(response.headers.get('x-snowflake-request-id'))
  })

  it('refuses a session beyond the cap with a clear 503, and accepts it once one is deleted', async () => {
    h = await startHarness(transport, { maxSessions: 3 })
    for (const s of ['s1', 's2'])
      expect((await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': s } })).status).toBe(200)
    const refused = await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 's3' } })
    expect(refused.status).toBe(503)
    expect((await refused.json()).message).toMatch(/already holds 3 sessions.*--max-sessions/)
    expect((await h.fetch('/__mock/sessions')).status).toBe(200)
    expect((await h.fetch('/__mock/sessions/s1', { method: 'DELETE' })).status).toBe(204)
    expect((await h.fetch('/__mock/sessions/default', { method: 'DELETE' })).status).toBe(400)
    expect((await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 's3' } })).status).toBe(
      200,
    )
  })

  it('drops idle sessions when room is needed', async () => {
    h = await startHarness(transport, { maxSessions: 2, sessionIdleMs: 0 })
    expect((await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 'old' } })).status).toBe(
      200,
    )
    await new Promise((r) => setTimeout(r, 5))
    expect((await h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 'new' } })).status).toBe(
      200,
    )
    const { sessions } = await (await h.fetch('/__mock/sessions')).json()
    expect(sessions.sort()).toEqual(['default', 'new'])
  })
})
