import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { client, SOURCES } from './helpers.ts'

/**
 * Updates followed by lookups: the store's indexes swap an updated record in place (rather than
 * rebuilding), so every way of reading a source must see its latest version, whatever the order of
 * writes and reads.
 */
describe.each(TRANSPORTS)('Cycle sources after updates (%s)', (transport) => {
  let h: Harness
  const api = client(() => h)
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const liveSources = async (): Promise<Array<{ id: string; name: string }>> => {
    const response = await api.get(`${SOURCES}?page[size]=100`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as {
      data: Array<{ id: string; name: string; state: { current: string } }>
    }
    return body.data.filter((s) => s.state.current === 'live')
  }
  const nameOf = async (id: string) => {
    const response = await api.get(`${SOURCES}/${id}`)
    expect(response.status).toBe(200)
    return ((await response.json()) as { data: { name: string } }).data.name
  }

  it('reads by id and by list see each rename, read between writes or not', async () => {
    const [first, second] = await liveSources()
    if (!first || !second) throw new Error('the default scenario has two live sources')
    expect(await nameOf(first.id)).toBe(first.name)
    for (const name of ['renamed once', 'renamed twice']) {
      expect((await api.patch(`${SOURCES}/${first.id}`, { name })).status).toBe(200)
      expect(await nameOf(first.id)).toBe(name)
    }
    // Two writes with no read between them, then two sources written at once.
    await api.patch(`${SOURCES}/${second.id}`, { name: 'unread' })
    await api.patch(`${SOURCES}/${second.id}`, { name: 'second, last' })
    const [a, b] = await Promise.all([
      api.patch(`${SOURCES}/${first.id}`, { name: 'first, last' }),
      api.patch(`${SOURCES}/${second.id}`, { name: 'second, really last' }),
    ])
    expect([a.status, b.status]).toEqual([200, 200])
    expect(await nameOf(first.id)).toBe('first, last')
    expect(await nameOf(second.id)).toBe('second, really last')
    const listed = await liveSources()
    expect(listed.filter((s) => s.id === first.id).map((s) => s.name)).toEqual(['first, last'])
    expect(listed.filter((s) => s.id === second.id).map((s) => s.name)).toEqual([
      'second, really last',
    ])
  })

  it('a list read while a rename is being stored never keeps the old name afterwards', async () => {
    const [first] = await liveSources()
    if (!first) throw new Error('the default scenario has a live source')
    // The list starts a few microtasks after the write, so some land inside @msw/data's write.
    for (let delay = 0; delay < 40; delay++) {
      const name = `renamed ${delay}`
      const write = api.patch(`${SOURCES}/${first.id}`, { name })
      for (let i = 0; i < delay; i++) await Promise.resolve()
      await Promise.all([write, liveSources()])
      const listed = await liveSources()
      expect(listed.find((s) => s.id === first.id)?.name).toBe(name)
    }
  })

  it('an update without changes still leaves the source readable with its values', async () => {
    const [first] = await liveSources()
    if (!first) throw new Error('the default scenario has a live source')
    expect((await api.patch(`${SOURCES}/${first.id}`, { name: first.name })).status).toBe(200)
    expect((await api.patch(`${SOURCES}/${first.id}`, { name: 'after a no-op' })).status).toBe(200)
    expect(await nameOf(first.id)).toBe('after a no-op')
  })

  it('a source being deleted keeps the name of its last rename', async () => {
    const [first] = await liveSources()
    if (!first) throw new Error('the default scenario has a live source')
    await api.patch(`${SOURCES}/${first.id}`, { name: 'about to go' })
    expect((await api.del(`${SOURCES}/${first.id}`)).status).toBe(202)
    const state = await (await api.get(`${SOURCES}/${first.id}`)).json()
    expect(state.data.name).toBe('about to go')
    expect(state.data.state.current).not.toBe('live')
  })
})
