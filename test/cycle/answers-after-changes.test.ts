import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Mock } from '../../index.ts'
import { freshAnswer } from '../support/fresh-answer.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { AUTH, client, SOURCES } from './helpers.ts'

const LIST = `${SOURCES}?sort=name&include=creators`

type Source = { id: string; name: string; state: { current: string } }
type Listed = { data: Source[]; includes: Record<string, unknown> }

const rename = (id: string, name: string) => async (mock: Mock) => {
  await mock.db.cycle.sources.update((q) => q.where({ id }), {
    data(draft) {
      draft.name = name
    },
  })
}

describe.each(TRANSPORTS)('Cycle lists after the store changes (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())
  const { get, patch, del } = client(() => h)

  const text = async (path = LIST) => {
    const response = await get(path)
    expect(response.status).toBe(200)
    return response.text()
  }

  it('lists an updated source with its new fields, as a mock that never listed it does', async () => {
    const before = JSON.parse(await text()) as Listed
    const first = before.data[0] as Source
    await rename(first.id, 'aaa renamed in the store')(h.mock)
    const after = await text()
    const listed = JSON.parse(after) as Listed
    expect(listed.data[0]).toEqual({ ...first, name: 'aaa renamed in the store' })
    expect(listed.data.slice(1)).toEqual(before.data.slice(1))
    expect(listed.includes).toEqual(before.includes)
    expect(after).toBe(await freshAnswer(LIST, AUTH, rename(first.id, 'aaa renamed in the store')))
  })

  it('lists a source renamed or deleted through the API as it now is, and the seed after a reset', async () => {
    const seeded = await text()
    const [first, second] = (JSON.parse(seeded) as Listed).data as [Source, Source]
    expect((await patch(`${SOURCES}/${first.id}`, { name: 'zzz renamed' })).status).toBe(200)
    expect((await del(`${SOURCES}/${second.id}`)).status).toBe(202)
    const listed = (JSON.parse(await text()) as Listed).data
    expect(listed.at(-1)).toMatchObject({ id: first.id, name: 'zzz renamed' })
    expect(listed.find((s) => s.id === second.id)?.state.current).not.toBe('live')
    await h.mock.reset()
    expect(await text()).toBe(seeded)
  })

  it('lists an imported state, not what was listed before', async () => {
    const seeded = await text()
    const first = (JSON.parse(seeded) as Listed).data[0] as Source
    const state = await h.mock.exportState()
    const cycle = state.stores.cycle as Record<string, Array<Record<string, unknown>>>
    await h.mock.importState({
      ...state,
      stores: {
        ...state.stores,
        cycle: {
          ...cycle,
          sources: (cycle.sources ?? []).map((s) =>
            s.id === first.id ? { ...s, name: 'aaa imported' } : s,
          ),
        },
      },
    })
    expect(await text()).toBe(await freshAnswer(LIST, AUTH, rename(first.id, 'aaa imported')))
  })
})
