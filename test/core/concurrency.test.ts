import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const HEADERS = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }

describe.each(TRANSPORTS)('concurrency (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  it('lets exactly one of 1,000 concurrent Snowflake creates of one name succeed (errorIfExists)', async () => {
    h = await startHarness(transport)
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, () =>
        h
          .fetch(`${REPOS}?createMode=errorIfExists`, {
            method: 'POST',
            headers: HEADERS,
            body: '{"name":"contended"}',
          })
          .then(async (r) => {
            await r.arrayBuffer()
            return r.status
          }),
      ),
    )
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(999)
    const list: Array<{ name: string }> = await (await h.fetch(REPOS, { headers: HEADERS })).json()
    expect(list.filter((r) => r.name === 'CONTENDED')).toHaveLength(1)
  }, 60_000)

  it('keeps 50 sessions apart under concurrent writes and reads', async () => {
    h = await startHarness(transport)
    const sessions = Array.from({ length: 50 }, (_, i) => `s${i}`)
    await Promise.all(
      sessions.flatMap((session) =>
        [0, 1, 2].map((n) =>
          h.fetch(REPOS, {
            method: 'POST',
            headers: { ...HEADERS, 'X-Mock-Session': session },
            body: JSON.stringify({ name: `${session}_${n}` }),
          }),
        ),
      ),
    )
    const lists = await Promise.all(
      sessions.map((session) =>
        h
          .fetch(REPOS, { headers: { ...HEADERS, 'X-Mock-Session': session } })
          .then((r) => r.json()),
      ),
    )
    for (const [i, list] of lists.entries()) {
      const created = (list as Array<{ name: string }>)
        .map((r) => r.name)
        .filter((n) => /^S\d+_\d$/.test(n))
      expect(created.sort()).toEqual([`S${i}_0`, `S${i}_1`, `S${i}_2`])
    }
  }, 60_000)
})
