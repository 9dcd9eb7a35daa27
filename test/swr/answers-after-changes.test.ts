import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Mock } from '../../index.ts'
import { freshAnswer } from '../support/fresh-answer.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const HEADERS = { 'X-Auth-Token': 'test-iam-token', 'Content-Type': 'application/json' }
const SELF = '/v2/manage/shared-repositories?center=self&order_column=name&order_type=asc'

type Repo = { name: string; namespace: string; description: string; total_range: number }

const describeAs = (repo: Repo, description: string) => async (mock: Mock) => {
  await mock.db.swr.sharedRepositories.update(
    (q) => q.where({ namespace: repo.namespace, name: repo.name }),
    {
      data(draft) {
        draft.description = description
      },
    },
  )
}

const drop = (repo: Repo) => async (mock: Mock) => {
  mock.db.swr.sharedRepositories.delete((q) =>
    q.where({ namespace: repo.namespace, name: repo.name }),
  )
}

describe.each(TRANSPORTS)('SWR lists after the store changes (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const text = async () => {
    const response = await h.fetch(SELF, { headers: HEADERS })
    expect(response.status).toBe(200)
    return response.text()
  }

  it('lists an updated repository with its new fields, as a mock that never listed it does', async () => {
    const before = JSON.parse(await text()) as Repo[]
    const [first] = before as [Repo]
    await describeAs(first, 'Updated in place of the old record')(h.mock)
    const after = await text()
    expect(JSON.parse(after)).toEqual(
      before.map((r) =>
        r === first ? { ...r, description: 'Updated in place of the old record' } : r,
      ),
    )
    expect(after).toBe(
      await freshAnswer(SELF, HEADERS, describeAs(first, 'Updated in place of the old record')),
    )
  })

  it('moves a repository whose sort key changed, in every page of the order', async () => {
    const before = JSON.parse(await text()) as Repo[]
    const [first, ...rest] = before as [Repo, ...Repo[]]
    const renamed = 'zz-last-by-name'
    await h.mock.db.swr.sharedRepositories.update(
      (q) => q.where({ namespace: first.namespace, name: first.name }),
      {
        data(draft) {
          draft.name = renamed
        },
      },
    )
    const after = JSON.parse(await text()) as Repo[]
    expect(after.map((r) => r.name)).toEqual([...rest.map((r) => r.name), renamed])
    const lastPage = await h.fetch(`${SELF}&limit=5&offset=${Math.floor(rest.length / 5) * 5}`, {
      headers: HEADERS,
    })
    expect(((await lastPage.json()) as Repo[]).at(-1)?.name).toBe(renamed)
  })

  it('counts a deleted repository out of every total_range, and a reset back in', async () => {
    const seeded = await text()
    const before = JSON.parse(seeded) as Repo[]
    const [first, ...rest] = before as [Repo, ...Repo[]]
    await drop(first)(h.mock)
    const after = await text()
    expect(JSON.parse(after)).toEqual(rest.map((r) => ({ ...r, total_range: rest.length })))
    expect(after).toBe(await freshAnswer(SELF, HEADERS, drop(first)))
    await h.mock.reset()
    expect(await text()).toBe(seeded)
  })
})
