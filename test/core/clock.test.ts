import { afterEach, describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

describe('the session clock refuses bad instants with what it takes and what it got', () => {
  for (const mode of ['step', 'real'] as const) {
    it(`${mode}: set() of a text that is no date`, () => {
      const mock = createMock({ clock: mode === 'real' ? 'real' : undefined })
      expect(() => mock.clock.set('garbage')).toThrow(
        'set() takes an ISO-8601 date-time or ms since the epoch; got "garbage"',
      )
    })

    it(`${mode}: set() past 9999 and a negative advance() are input errors, not bugs`, () => {
      const mock = createMock({ clock: mode === 'real' ? 'real' : undefined })
      expect(() => mock.clock.set(Number.MAX_SAFE_INTEGER)).toThrow(/got 9007199254740991/)
      expect(() => mock.clock.advance(-1)).toThrow(
        'advance() takes a non-negative number of ms; got -1',
      )
      const before = mock.clock.now()
      expect(() => mock.clock.advance(Number.MAX_SAFE_INTEGER)).toThrow(/past 9999/)
      expect(mock.clock.now() - before, 'a refused advance leaves the clock').toBeLessThan(1000)
    })
  }
})

describe.each(TRANSPORTS)('the step clock at its latest instant (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  const json = async (path: string, init: RequestInit = {}, session = 'default') => {
    const response = await h.fetch(path, {
      ...init,
      headers: { 'Content-Type': 'application/json', 'X-Mock-Session': session },
    })
    return { status: response.status, body: await response.json() }
  }

  it('stops there on requests, and its state export imports back', async () => {
    h = await startHarness(transport)
    const set = await json('/__mock/clock', {
      method: 'POST',
      body: '{"now":"9999-12-31T23:59:59Z"}',
    })
    expect(set.body.now).toBe('9999-12-31T23:59:59.000Z')
    for (let i = 0; i < 3; i++) {
      const listed = await h.fetch(REPOS, { headers: { Authorization: 'Bearer t' } })
      expect(listed.status).toBe(200)
    }
    const clock = await json('/__mock/clock')
    expect(clock.body).toMatchObject({ now: LATEST, nowMs: Date.parse(LATEST) })
    const journal = await json('/__mock/journal')
    const times = journal.body.entries.map((e: { time: string }) => e.time)
    expect(times).toEqual([
      '9999-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
    ])

    const exported = await json('/__mock/state')
    expect(exported.body.clock).toBe(Date.parse(LATEST))
    const imported = await json(
      '/__mock/state',
      {
        method: 'PUT',
        body: JSON.stringify(exported.body),
      },
      'restored',
    )
    expect(imported.status, JSON.stringify(imported.body)).toBe(200)
    expect((await json('/__mock/clock', {}, 'restored')).body.now).toBe(LATEST)
    // An explicit move past it is still refused, and leaves the clock where it was.
    const past = await json('/__mock/clock', { method: 'POST', body: '{"advanceMs":1}' })
    expect(past.status).toBe(400)
    expect(past.body.error.message).toMatch(/past 9999-12-31T23:59:59.999Z/)
    expect((await json('/__mock/clock')).body.now).toBe(LATEST)
  })

  it('stops the instants it derives there too: a Cycle job expiry, a Snowflake result ready time', async () => {
    h = await startHarness(transport)
    await json('/__mock/clock', { method: 'POST', body: `{"now":"${LATEST}"}` })
    const hub = '651586fca6078e98982dbd90'
    const cycle = { Authorization: 'Bearer t', 'X-Hub-Id': hub }
    const source = h.mock.db.cycle.sources
      .all()
      .find((s) => s.hub_id === hub && s.state.current === 'live')
    expect(source, 'the default scenario has a live source').toBeDefined()
    const deleted = await h.fetch(`/v1/images/sources/${source?.id}`, {
      method: 'DELETE',
      headers: cycle,
    })
    expect(deleted.status).toBe(202)
    const { data: descriptor } = await deleted.json()
    const job = await h.fetch(`/v1/jobs/${descriptor.job.id}`, { headers: cycle })
    const text = await job.text()
    expect(job.status, text).toBe(200)
    expect(JSON.parse(text).data.expires).toBe(LATEST)
    expect(text).not.toMatch(/[+-]0\d{5}-/)

    // The result is ready at the latest instant: the clock cannot move on to a later one.
    const snowflake = { Authorization: 'Bearer t' }
    const accepted = await h.fetch(REPOS, { headers: { ...snowflake, Prefer: 'respond-async' } })
    expect(accepted.status).toBe(202)
    const poll = await h.fetch(accepted.headers.get('location') as string, { headers: snowflake })
    expect(poll.status).toBe(200)
    const state = (await json('/__mock/state')).body
    const readyAt = state.stores.snowflake.results.map((r: { readyAt: number }) => r.readyAt)
    expect(readyAt).toEqual([Date.parse(LATEST)])
  })
})

const LATEST = '9999-12-31T23:59:59.999Z'
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
