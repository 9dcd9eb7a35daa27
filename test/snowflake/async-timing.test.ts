import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('Snowflake async timing, set per session (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  /** Starts an async list in `session` and returns a poll of its result (the status). */
  async function startAsync(session = 'default') {
    const headers = { ...AUTH, 'X-Mock-Session': session }
    const accepted = await h.fetch(REPOS, { headers: { ...headers, Prefer: 'respond-async' } })
    expect(accepted.status).toBe(202)
    const location = accepted.headers.get('location') as string
    return async () => (await h.fetch(location, { headers })).status
  }

  it('is ready at the ready_polls-th poll when the time is far off', async () => {
    await h.mock.db.snowflake.asyncSettings.create({ ready_ms: 3_600_000, ready_polls: 3 })
    const poll = await startAsync()
    expect([await poll(), await poll(), await poll(), await poll()]).toEqual([202, 202, 200, 200])
  })

  it('is ready after ready_ms of session time with no poll count', async () => {
    await h.mock.db.snowflake.asyncSettings.create({ ready_ms: 3_600_000, ready_polls: null })
    const poll = await startAsync()
    for (let i = 0; i < 5; i++) expect(await poll()).toBe(202)
    h.mock.clock.advance(3_600_000)
    expect(await poll()).toBe(200)
  })

  it('is ready at the first poll with ready_ms 0', async () => {
    await h.mock.db.snowflake.asyncSettings.create({ ready_ms: 0, ready_polls: null })
    const poll = await startAsync()
    expect(await poll()).toBe(200)
  })

  it('keeps today’s timing by default (1,500 ms of session time), and settings stay in their session', async () => {
    // Over the control API, as against the standalone server: the session's state, with settings.
    const slowSession = { 'X-Mock-Session': 'slow', 'Content-Type': 'application/json' }
    const state = await (await h.fetch('/__mock/state', { headers: slowSession })).json()
    state.stores.snowflake.asyncSettings = [{ ready_ms: 3_600_000, ready_polls: null }]
    const put = await h.fetch('/__mock/state', {
      method: 'PUT',
      headers: slowSession,
      body: JSON.stringify(state),
    })
    expect(put.status).toBe(200)
    expect(h.mock.db.snowflake.asyncSettings.all()).toEqual([])
    const fast = await startAsync()
    h.mock.clock.advance(1_500)
    expect(await fast()).toBe(200)
    const slow = await startAsync('slow')
    h.mock.session('slow').clock.advance(1_500)
    expect(await slow()).toBe(202)
  })
})
