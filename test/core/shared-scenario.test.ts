import { afterEach, describe, expect, it } from 'vitest'
import { CYCLE_HUBS } from '../../fixtures/cycle.ts'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

// Sessions on one scenario share its seeded records; these pin what must still hold: a session's
// writes (creates, updates and deletes of shared records) stay its own, reset restores the
// scenario, state export/import round-trips, and the heap cap refuses new sessions.

const SNOWFLAKE = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const CYCLE = {
  Authorization: 'Bearer t',
  'X-Hub-Id': CYCLE_HUBS.main.id,
  'Content-Type': 'application/json',
}
const SOURCES = '/v1/images/sources?page[size]=100'

describe.each(TRANSPORTS)('sessions on a shared scenario (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  const get = async (path: string, headers: Record<string, string>, session: string) => {
    const response = await h.fetch(path, { headers: { ...headers, 'X-Mock-Session': session } })
    expect(response.status).toBe(200)
    return response.json()
  }
  const repositories = async (session: string) =>
    ((await get(REPOS, SNOWFLAKE, session)) as Array<{ name: string }>).map((r) => r.name)
  const sources = async (session: string) =>
    ((await get(SOURCES, CYCLE, session)) as { data: Array<{ id: string; name: string }> }).data
  const send = async (
    session: string,
    method: string,
    path: string,
    headers: object,
    body?: object,
  ) => {
    const response = await h.fetch(path, {
      method,
      headers: { ...headers, 'X-Mock-Session': session },
      body: body && JSON.stringify(body),
    })
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300)
  }

  /** Creates, updates and deletes in `session`: a new repository, a renamed and a deleted source, a dropped repository. */
  const write = async (session: string) => {
    const [first, second] = await sources(session)
    const [dropped] = await repositories(session)
    await send(session, 'POST', REPOS, SNOWFLAKE, { name: 'only_here' })
    await send(session, 'DELETE', `${REPOS}/${dropped}`, SNOWFLAKE)
    await send(session, 'PATCH', `/v1/images/sources/${first!.id}`, CYCLE, { name: 'renamed-here' })
    await send(session, 'DELETE', `/v1/images/sources/${second!.id}`, CYCLE)
    return { dropped: dropped!, renamed: first!.id, deleted: second!.id }
  }

  it('keeps creates, updates and deletes of shared records in the session that made them', async () => {
    h = await startHarness(transport)
    const repos = await repositories('default')
    const seeded = await sources('default')
    await repositories('before') // exists before the write
    const { dropped, renamed, deleted } = await write('writer')

    const mine = await repositories('writer')
    expect(mine).toContain('ONLY_HERE')
    expect(mine).not.toContain(dropped)
    const mySources = await sources('writer')
    expect(mySources.find((s) => s.id === renamed)?.name).toBe('renamed-here')
    // Cycle deletes through a job: the source is gone or on its way out, either way changed.
    expect(mySources.find((s) => s.id === deleted)).not.toEqual(
      seeded.find((s: { id: string }) => s.id === deleted),
    )

    for (const other of ['default', 'before', 'after']) {
      expect(await repositories(other), other).toEqual(repos)
      expect(await sources(other), other).toEqual(seeded)
    }
  })

  it('restores the scenario on reset, after writes to shared records', async () => {
    h = await startHarness(transport)
    const repos = await repositories('default')
    const seeded = await sources('default')
    await write('default')
    expect(await repositories('default')).not.toEqual(repos)
    const reset = await h.fetch('/__mock/reset', { method: 'POST' })
    expect(reset.status).toBe(200)
    expect(await repositories('default')).toEqual(repos)
    expect(await sources('default')).toEqual(seeded)
  })

  it('round-trips a session through state export and import', async () => {
    h = await startHarness(transport)
    await write('a')
    const exported = await (
      await h.fetch('/__mock/state', { headers: { 'X-Mock-Session': 'a' } })
    ).json()
    const imported = await h.fetch('/__mock/state', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Mock-Session': 'b' },
      body: JSON.stringify(exported),
    })
    expect(imported.status).toBeLessThan(300)
    const again = await (
      await h.fetch('/__mock/state', { headers: { 'X-Mock-Session': 'b' } })
    ).json()
    expect(again.stores).toEqual(exported.stores)
    expect(await repositories('b')).toEqual(await repositories('a'))
    expect(await sources('b')).toEqual(await sources('a'))
    // A session's own writes after the import stay its own.
    await send('b', 'POST', REPOS, SNOWFLAKE, { name: 'only_in_b' })
    expect(await repositories('a')).not.toContain('ONLY_IN_B')
  })

  it('refuses a new session with the vendor 503 while the heap is over --max-heap-mb', async () => {
    h = await startHarness(transport, { maxHeapBytes: 1 })
    expect(await repositories('default')).not.toHaveLength(0)
    const refused = await h.fetch(REPOS, { headers: { ...SNOWFLAKE, 'X-Mock-Session': 'more' } })
    expect(refused.status).toBe(503)
    const body = await refused.json()
    expect(body.message).toMatch(/heap holds \d+ MB, over the --max-heap-mb cap of 1 MB/)
    expect(body.request_id).toBe(refused.headers.get('x-snowflake-request-id'))
  })
})

describe('seeded data shared across sessions', () => {
  it('serves a new session the same bytes as a fresh mock seeded on its own', async () => {
    const shared = createMock({ seed: 7 })
    const alone = createMock({ seed: 7 })
    await Promise.all([shared.ready, alone.ready])
    const other = shared.session('other')
    await other.ready
    const a = await other.exportState()
    const b = await alone.exportState()
    expect(JSON.stringify(a.stores)).toBe(JSON.stringify(b.stores))
  })

  it('refuses an import given the export promise, saying to await it, and keeps the state', async () => {
    const mock = createMock()
    await mock.ready
    const before = JSON.stringify((await mock.exportState()).stores)
    const pending = mock.exportState()
    await expect(mock.importState(pending as never)).rejects.toThrow(
      /exportState\(\) is async, so pass `await mock.exportState\(\)`/,
    )
    await pending
    expect(JSON.stringify((await mock.exportState()).stores)).toBe(before)
  })

  it('reseeds for another seed and keeps the sessions of the first one as they were', async () => {
    const mock = createMock({ seed: 1 })
    await mock.ready
    const before = JSON.stringify((await mock.exportState()).stores)
    const other = mock.session('other')
    await other.reset({ seed: 2 })
    expect(JSON.stringify((await other.exportState()).stores)).not.toBe(before)
    expect(JSON.stringify((await mock.exportState()).stores)).toBe(before)
  })
})

describe('seeded data sets held by sessions', () => {
  it('shares a data set with a reset while any session holds it, however many others exist', async () => {
    let seedings = 0
    const counted = {
      name: 'counted',
      description: 'counts its seedings',
      seed: async () => {
        seedings++
      },
    }
    const h = await startHarness('msw', { scenarios: [counted] })
    try {
      const reset = (session: string, seed: number) =>
        h.fetch('/__mock/reset', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Mock-Session': session },
          body: JSON.stringify({ scenario: 'counted', seed }),
        })
      // Twelve sessions, each holding its own (scenario, seed): more than the cache keeps unheld.
      for (let seed = 0; seed < 12; seed++) expect((await reset(`s${seed}`, seed)).status).toBe(200)
      expect(seedings).toBe(12)
      // Session s0 still holds seed 0: a reset of another session to it shares it, seeding nothing.
      expect((await reset('other', 0)).status).toBe(200)
      expect(seedings).toBe(12)
    } finally {
      await h.close()
    }
  })
})
