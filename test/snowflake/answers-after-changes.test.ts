import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Mock } from '../../index.ts'
import { freshAnswer } from '../support/fresh-answer.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

type Repository = { name: string; owner: string; created_on: string }

/** Gives the stored repository `name` of ML_PLATFORM.IMAGES a new owner, through the store. */
const reown = (name: string, owner: string) => async (mock: Mock) => {
  const updated = await mock.db.snowflake.repositories.update(
    (q) => q.where({ database_name: 'ML_PLATFORM', schema_name: 'IMAGES', name }),
    {
      data(draft) {
        draft.owner = owner
      },
    },
  )
  expect(updated?.owner, `${name} is stored with its new owner`).toBe(owner)
}

describe.each(TRANSPORTS)('Snowflake answers after the store changes (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const text = async (path: string, init: RequestInit = { headers: AUTH }) => {
    const response = await h.fetch(path, init)
    expect(response.status, `${init.method ?? 'GET'} ${path}`).toBe(200)
    return response.text()
  }
  const post = (path: string, body: unknown) =>
    text(path, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify(body) })

  it('lists and fetches an updated record with its new fields, as a mock that never listed it does', async () => {
    const before = await text(REPOS)
    const [first, ...rest] = JSON.parse(before) as Repository[]
    const name = first?.name as string
    await text(`${REPOS}/${name}`)

    await reown(name, 'DATA_ENGINEER')(h.mock)

    const after = await text(REPOS)
    const [changed, ...unchanged] = JSON.parse(after) as Repository[]
    expect(changed).toEqual({ ...first, owner: 'DATA_ENGINEER' })
    expect(unchanged).toEqual(rest)
    expect(after).toBe(await freshAnswer(REPOS, AUTH, reown(name, 'DATA_ENGINEER')))
    const fetched = await text(`${REPOS}/${name}`)
    expect(JSON.parse(fetched)).toEqual(changed)
    expect(fetched).toBe(await freshAnswer(`${REPOS}/${name}`, AUTH, reown(name, 'DATA_ENGINEER')))
  })

  it('lists a replaced repository with its new creation time and a deleted one no more', async () => {
    const before = JSON.parse(await text(REPOS)) as Repository[]
    const [first, second] = before as [Repository, Repository]
    h.mock.clock.set(Date.parse('2031-05-06T07:08:09.000Z'))
    await post(`${REPOS}?createMode=orReplace`, { name: first.name })
    await text(`${REPOS}/${second.name}`, { method: 'DELETE', headers: AUTH })

    const after = JSON.parse(await text(REPOS)) as Repository[]
    expect(after.map((r) => r.name)).toEqual(
      before.map((r) => r.name).filter((n) => n !== second.name),
    )
    // A replaced repository is a new one: created now, owned by the account's default role.
    expect(after[0]).toEqual({
      ...first,
      created_on: expect.stringMatching(/^2031-05-06T07:08:/),
      owner: h.mock.db.snowflake.accounts.all()[0]?.defaultRole,
    })
    expect(after.slice(1)).toEqual(before.slice(2))
  })

  it('lists what a reset or an imported state holds, not what was listed before', async () => {
    const seeded = await text(REPOS)
    const [first] = JSON.parse(seeded) as Repository[]
    const name = first?.name as string
    await reown(name, 'DATA_ENGINEER')(h.mock)
    const reowned = await text(REPOS)
    expect(reowned).not.toBe(seeded)

    await h.mock.reset()
    expect(await text(REPOS)).toBe(seeded)

    const state = await h.mock.exportState()
    const snowflake = state.stores.snowflake as Record<string, Array<Record<string, unknown>>>
    const imported = {
      ...state,
      stores: {
        ...state.stores,
        snowflake: {
          ...snowflake,
          repositories: (snowflake.repositories ?? []).map((r) =>
            r.name === name ? { ...r, owner: 'DATA_ENGINEER' } : r,
          ),
        },
      },
    }
    await h.mock.importState(imported)
    expect(await text(REPOS)).toBe(reowned)
  })

  it('lists images and tags as they are after a change', async () => {
    const [repository] = JSON.parse(await text(REPOS)) as Repository[]
    const name = repository?.name as string
    const images = `${REPOS}/${name}/images`
    const listed = JSON.parse(await text(images)) as Array<{ digest: string; tags: string }>
    const newest = listed[0]?.digest as string
    await h.mock.db.snowflake.images.update(
      (q) => q.where({ repository_name: name, digest: newest }),
      {
        data(draft) {
          draft.tags = 'stable'
        },
      },
    )
    expect(JSON.parse(await text(images))).toEqual(
      listed.map((image) => (image.digest === newest ? { ...image, tags: 'stable' } : image)),
    )

    const tags = `${REPOS}/${name}:get-tags`
    await post(`${REPOS}/${name}:set-tags`, [{ tag_name: 'environment', tag_value: 'staging' }])
    expect(JSON.parse(await text(tags))).toEqual([
      expect.objectContaining({ tag_name: 'ENVIRONMENT', tag_value: 'staging' }),
    ])
    await post(`${REPOS}/${name}:set-tags`, [{ tag_name: 'environment', tag_value: 'prod' }])
    expect(JSON.parse(await text(tags))).toEqual([
      expect.objectContaining({ tag_name: 'ENVIRONMENT', tag_value: 'prod' }),
    ])
  })

  it('answers a respond-async list with the bytes of the list answered at once', async () => {
    const now = await text(REPOS)
    const accepted = await h.fetch(REPOS, { headers: { ...AUTH, Prefer: 'respond-async' } })
    expect(accepted.status).toBe(202)
    h.mock.clock.advance(2_000)
    expect(await text(accepted.headers.get('location') as string)).toBe(now)
  })
})
