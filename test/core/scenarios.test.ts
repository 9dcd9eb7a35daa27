import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'

const count = (
  state: { stores: Record<string, Record<string, unknown[]>> },
  vendor: string,
  collection: string,
) => state.stores[vendor]?.[collection]?.length ?? -1

describe('scenarios', () => {
  it('gives byte-identical state and responses for the same seed across every vendor, and other data for another', async () => {
    const snapshot = async (seed: number) => {
      const mock = createMock({ seed })
      await mock.ready
      const urls = [
        '/api/v2/databases/ml_platform/schemas/images/image-repositories',
        '/v2/manage/shared-repositories?center=self',
        '/v1/images/sources',
      ]
      const headers = {
        Authorization: 'Bearer t',
        'X-Auth-Token': 't',
        'Content-Type': 'application/json',
        'X-Hub-Id': '651586fca6078e98982dbd90',
      }
      const bodies: string[] = []
      for (const url of urls) {
        const response = await getResponse(
          mock.handlers,
          new Request(`http://x${url}`, { headers }),
        )
        expect(response?.status, url).toBe(200)
        bodies.push(`${[...response!.headers].join(';')}|${await response!.text()}`)
      }
      return { state: JSON.stringify(await mock.exportState()), bodies }
    }
    const a = await snapshot(11)
    const b = await snapshot(11)
    const c = await snapshot(12)
    expect(b.state).toBe(a.state)
    expect(b.bodies).toEqual(a.bodies)
    expect(c.state).not.toBe(a.state)
  })

  it('empty keeps the accounts but no records', async () => {
    const mock = createMock({ scenario: 'empty' })
    await mock.ready
    const state = await mock.exportState()
    expect(count(state, 'snowflake', 'repositories')).toBe(0)
    expect(count(state, 'snowflake', 'databases')).toBeGreaterThan(0)
    expect(count(state, 'swr', 'sharedRepositories') + count(state, 'cycle', 'sources')).toBe(0)
  })

  it('large holds 10,000 records per vendor', async () => {
    const mock = createMock({ scenario: 'large' })
    await mock.ready
    expect(mock.db.snowflake.repositories.count()).toBe(10_000)
    expect(mock.db.cycle.sources.count()).toBe(10_000)
    expect(mock.db.swr.sharedRepositories.count()).toBe(10_000)
  }, 120_000)

  it('flaky presets fault rules that fire on the first requests', async () => {
    const mock = createMock({ scenario: 'flaky' })
    await mock.ready
    expect(mock.faults.list().map((r) => r.id)).toContain('list-503-twice')
    const url = 'http://x/api/v2/databases/ml_platform/schemas/images/image-repositories'
    const statuses: number[] = []
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await getResponse(
          mock.handlers,
          new Request(url, { headers: { Authorization: 'Bearer t' } }),
        ))!.status,
      )
    expect(statuses).toEqual([503, 503, 200])
  })
})
