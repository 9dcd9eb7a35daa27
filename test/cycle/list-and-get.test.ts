import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CYCLE_API_KEYS, CYCLE_BUILDER_IDENTIFIER, CYCLE_HUBS } from '../../fixtures/cycle.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'
import { AUTH, client, expectCycleError, HUB, OBJECT_ID, SOURCES, ZERO_TIME } from './helpers.ts'

interface Source {
  id: string
  name: string
  identifier: string
  hub_id: string
  creator: { id: string; type: string }
  builder: { integration_id?: string | null } | null
  state: { current: string }
  events: { created: string; updated: string; deleted: string }
  meta?: { images_count: { total: number; state: Record<string, number> } }
}

describe.each(TRANSPORTS)('Cycle getImageSources and getImageSource (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())
  const { get } = client(() => h)

  /** The hub's sources as the store holds them, live ones first in the mock's default order. */
  const stored = (hub: string = HUB) =>
    h.mock.db.cycle.sources.all().filter((s) => s.hub_id === hub)
  const liveIds = (hub: string = HUB) =>
    stored(hub)
      .filter((s) => s.state.current !== 'deleted')
      .map((s) => s.id)
      .sort()
      .reverse()

  async function list(query = '', headers: Record<string, string> = AUTH) {
    const response = await get(`${SOURCES}${query}`, headers)
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(200)
    expectCycleShape('getImageSources', body)
    return body as { data: Source[]; includes?: Record<string, Record<string, unknown>> }
  }

  describe('getImageSources', () => {
    it('lists the live sources of the X-Hub-Id hub, newest first, as contract ImageSources', async () => {
      const response = await get(SOURCES)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/application\/json/)
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
      const body = await response.json()
      expectCycleShape('getImageSources', body)
      expect(body.includes, 'no includes unless asked for').toBeUndefined()
      expect(body.data.map((s: Source) => s.id)).toEqual(liveIds())
      for (const source of body.data as Source[]) {
        expect(source.id).toMatch(OBJECT_ID)
        expect(source.hub_id).toBe(HUB)
        expect(source.state.current).toBe('live')
        expect(source.events.deleted, 'an unset event is Cycle zero time').toBe(ZERO_TIME)
        expect(source.meta).toBeUndefined()
      }
    })

    it('lists only the other hub’s sources when X-Hub-Id names it', async () => {
      const body = await list('', { ...AUTH, 'X-Hub-Id': CYCLE_HUBS.staging.id })
      expect(body.data.length).toBeGreaterThan(0)
      expect(body.data.map((s) => s.id)).toEqual(liveIds(CYCLE_HUBS.staging.id))
    })

    it('pages with page[size] and page[number], 20 per page by default', async () => {
      await h.mock.reset({ scenario: 'empty' })
      for (let i = 0; i < 23; i++) {
        const created = await h.fetch(SOURCES, {
          method: 'POST',
          headers: { ...AUTH, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: `svc ${i}`, type: 'direct', origin: { type: 'none' } }),
        })
        expect(created.status).toBe(201)
      }
      const all = liveIds()
      expect((await list()).data.map((s) => s.id)).toEqual(all.slice(0, 20))
      expect((await list('?page[number]=2')).data.map((s) => s.id)).toEqual(all.slice(20))
      expect((await list('?page[size]=5&page[number]=3')).data.map((s) => s.id)).toEqual(
        all.slice(10, 15),
      )
      expect((await list('?page%5Bsize%5D=5&page%5Bnumber%5D=9')).data).toEqual([])
    })

    it('sorts by several keys, with - for descending', async () => {
      const byName = (await list('?sort=name,-id')).data
      const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
      const expected = stored()
        .filter((s) => s.state.current === 'live')
        .sort((a, b) => order(a.name.toLowerCase(), b.name.toLowerCase()) || order(b.id, a.id))
      expect(byName.map((s) => s.id)).toEqual(expected.map((s) => s.id))
      const oldestFirst = (await list('?sort=events.created')).data.map((s) => s.events.created)
      expect(oldestFirst).toEqual([...oldestFirst].sort())
      const exploded = (await list('?sort=-events.created&sort=id')).data.map(
        (s) => s.events.created,
      )
      expect(exploded).toEqual([...oldestFirst].reverse())
    })

    it('filters by identifier, by search text and by state', async () => {
      const target = stored().find((s) => s.state.current === 'live') as Source
      const byIdentifier = await list(`?filter[identifier]=${target.identifier}`)
      expect(byIdentifier.data.length).toBeGreaterThan(0)
      expect(byIdentifier.data.every((s) => s.identifier === target.identifier)).toBe(true)

      const word = target.name.slice(0, 4).toUpperCase()
      const bySearch = await list(`?filter[search]=${encodeURIComponent(word)}`)
      expect(bySearch.data.map((s) => s.id)).toContain(target.id)
      expect(
        bySearch.data.every((s) => JSON.stringify(s).toLowerCase().includes(word.toLowerCase())),
      ).toBe(true)

      const deleted = stored().filter((s) => s.state.current === 'deleted')
      expect(deleted.length, 'the default scenario holds a deleted source').toBe(1)
      expect((await list('?filter[state]=deleted')).data.map((s) => s.id)).toEqual(
        deleted.map((s) => s.id),
      )
      const both = await list('?filter[state]=live,deleted')
      expect(both.data.length).toBe(liveIds().length + deleted.length)
      expect((await list('?filter[identifier]=no-such-source')).data).toEqual([])
    })

    it('fills includes with each creator and integration once, keyed by ID', async () => {
      const body = await list('?include=creators,integrations')
      const includes = body.includes as Record<string, Record<string, Record<string, unknown>>>
      const accountIds = new Set(
        body.data.filter((s) => s.creator.type === 'account').map((s) => s.creator.id),
      )
      const keyIds = new Set(
        body.data.filter((s) => s.creator.type === 'api-key').map((s) => s.creator.id),
      )
      expect(Object.keys(includes.creators?.accounts ?? {}).sort()).toEqual([...accountIds].sort())
      expect(Object.keys(includes.creators?.api_keys ?? {}).sort()).toEqual([...keyIds].sort())
      for (const apiKey of Object.values(includes.creators?.api_keys ?? {})) {
        expect(apiKey, 'an included API key never shows its secret').not.toHaveProperty('secret')
      }
      const builder = h.mock.db.cycle.integrations
        .all()
        .find((i) => i.hub_id === HUB && i.identifier === CYCLE_BUILDER_IDENTIFIER)
      expect(Object.keys(includes.integrations ?? {})).toEqual([builder?.id])
      expect(includes['integrations:identifiers']).toEqual({
        [CYCLE_BUILDER_IDENTIFIER]: [builder?.id],
      })
      const repeated = await list('?include=creators&include=integrations')
      expect(repeated.includes).toEqual(body.includes)
    })

    it('adds meta.images_count per source for meta=images_count', async () => {
      const body = await list('?meta=images_count')
      const images = h.mock.db.cycle.images.all()
      for (const source of body.data) {
        const count = source.meta?.images_count
        const own = images.filter((i) => i.source_id === source.id)
        expect(count?.total).toBe(own.length)
        expect(count?.state.live).toBe(own.filter((i) => i.state === 'live').length)
        expect(Object.values(count?.state ?? {}).reduce((a, b) => a + b, 0)).toBe(own.length)
      }
      expect(body.data.some((s) => (s.meta?.images_count.total ?? 0) > 0)).toBe(true)
    })

    it.each([
      ['page[size]=0', /page\[size\] must be a whole number from 1 to 100; got '0'/],
      ['page[size]=101', /page\[size\] must be a whole number from 1 to 100; got '101'/],
      ['page[number]=0', /page\[number\] must be a whole number of 1 or more; got '0'/],
      ['page[number]=two', /page\[number\] must be a whole number of 1 or more; got 'two'/],
      ['page[offset]=3', /page\[offset\] is not a paging parameter/],
      ['include=owners', /'owners' is not a valid include value; use creators, integrations/],
      ['meta=size', /'size' is not a valid meta value; use images_count/],
      ['sort=-color', /Cannot sort image sources by '-color'/],
      [
        'filter[state]=gone',
        /'gone' is not a valid filter\[state\] value; use live, deleting, deleted/,
      ],
      ['filter[color]=red', /filter\[color\] is not a filter of image sources/],
    ])('answers 422.invalid-argument for %s', async (query, detail) => {
      await expectCycleError(await get(`${SOURCES}?${query}`), 422, '422.invalid-argument', detail)
    })
  })

  describe('getImageSource', () => {
    it('returns one source, with includes and meta when asked', async () => {
      const target = stored().find((s) => s.builder?.integration_id === CYCLE_BUILDER_IDENTIFIER)
      expect(target, 'a seeded source names its builder by identifier').toBeDefined()
      const response = await get(
        `${SOURCES}/${target?.id}?include=creators,integrations&meta=images_count`,
      )
      expect(response.status).toBe(200)
      const body = await response.json()
      expectCycleShape('getImageSource', body)
      expect(body.data.id).toBe(target?.id)
      expect(body.data.name).toBe(target?.name)
      expect(body.data.meta.images_count.total).toBe(
        h.mock.db.cycle.images.all().filter((i) => i.source_id === target?.id).length,
      )
      const bucket = target?.creator.type === 'api-key' ? 'api_keys' : 'accounts'
      expect(Object.keys(body.includes.creators[bucket])).toEqual([target?.creator.id])
      expect(Object.keys(body.includes['integrations:identifiers'])).toEqual([
        CYCLE_BUILDER_IDENTIFIER,
      ])
      const plain = await (await get(`${SOURCES}/${target?.id}`)).json()
      expect(plain).not.toHaveProperty('includes')
      expect(plain.data).not.toHaveProperty('meta')
    })

    it('keeps a deleted source readable with its deleted state and time', async () => {
      const deleted = stored().find((s) => s.state.current === 'deleted')
      const body = await (await get(`${SOURCES}/${deleted?.id}`)).json()
      expectCycleShape('getImageSource', body)
      expect(body.data.state.current).toBe('deleted')
      expect(body.data.events.deleted).not.toBe(ZERO_TIME)
    })

    it('answers 404.image.source for an unknown ID, a malformed one, or another hub’s source', async () => {
      await expectCycleError(
        await get(`${SOURCES}/000000000000000000000000`),
        404,
        '404.image.source',
        /No image source with ID '000000000000000000000000' exists in this hub/,
      )
      await expectCycleError(
        await get(`${SOURCES}/not-an-id`),
        404,
        '404.image.source',
        /'not-an-id'/,
      )
      const staging = stored(CYCLE_HUBS.staging.id)[0]
      await expectCycleError(
        await get(`${SOURCES}/${staging?.id}`),
        404,
        '404.image.source',
        /exists in this hub/,
      )
      const ok = await get(`${SOURCES}/${staging?.id}`, {
        Authorization: `Bearer ${CYCLE_API_KEYS.staging}`,
        'X-Hub-Id': CYCLE_HUBS.staging.id,
      })
      expect(ok.status).toBe(200)
    })

    it('answers 422.invalid-argument for an include it does not know', async () => {
      const id = stored()[0]?.id
      await expectCycleError(
        await get(`${SOURCES}/${id}?include=environments`),
        422,
        '422.invalid-argument',
        /'environments' is not a valid include value/,
      )
    })
  })
})
