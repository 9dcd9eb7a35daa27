import { en, Faker } from '@faker-js/faker'
import { afterEach, describe, expect, it } from 'vitest'
import { createClock } from '../../core/clock.ts'
import { createRandom } from '../../core/random.ts'
import { CYCLE_API_KEYS, CYCLE_HUBS, seedCycle } from '../../fixtures/cycle.ts'
import { getImageSources } from '../../handlers/cycle/model/image-sources.ts'
import { parseListQuery } from '../../handlers/cycle/query.ts'
import { createCycleStore } from '../../handlers/cycle/store.ts'
import { createMock, type MockOptions } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'
import { AUTH, client, expectCycleError, HUB, JSON_AUTH, newSource, SOURCES } from './helpers.ts'

describe.each(TRANSPORTS)('Cycle scenarios and determinism (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())
  const { get, post, del } = client(() => h)

  async function start(options: MockOptions = {}) {
    h = await startHarness(transport, options)
  }

  /** A fixed request sequence; everything it answers, as text. */
  async function session(seed: number) {
    await start({ seed })
    const list = await (
      await get(`${SOURCES}?include=creators,integrations&meta=images_count`)
    ).text()
    const created = await (await post(SOURCES, newSource())).text()
    const { data } = JSON.parse(created)
    const deletion = await (await del(`${SOURCES}/${data.id}`)).text()
    const job = await (await get(`/v1/jobs/${JSON.parse(deletion).data.job.id}`)).text()
    await h.close()
    return { list, created, deletion, job }
  }

  it('answers byte for byte the same for the same seed, and differently for another', async () => {
    const a = await session(7)
    const b = await session(7)
    const c = await session(8)
    expect(b).toEqual(a)
    expect(c.list).not.toBe(a.list)
    expect(c.created, 'new IDs come from the seeded stream too').not.toBe(a.created)
    await start()
  })

  it('keeps hubs, API keys and integrations but no sources in the empty scenario', async () => {
    await start({ scenario: 'empty' })
    const body = await (await get(SOURCES)).json()
    expectCycleShape('getImageSources', body)
    expect(body.data).toEqual([])
    expect(
      h.mock.db.cycle.hubs
        .all()
        .map((hub) => hub.id)
        .sort(),
    ).toEqual([CYCLE_HUBS.main.id, CYCLE_HUBS.staging.id].sort())
    expect(h.mock.db.cycle.integrations.count()).toBeGreaterThan(0)
    await expectCycleError(
      await post(SOURCES, newSource(), {
        ...JSON_AUTH,
        Authorization: `Bearer ${CYCLE_API_KEYS.viewer}`,
      }),
      403,
      '403.permissions',
      /images-sources-manage/,
    )
    expect((await post(SOURCES, newSource())).status).toBe(201)
  })

  it('carries sources and a running job through state export and import', async () => {
    await start({ clock: { stepMs: 0 } })
    const source = h.mock.db.cycle.sources
      .all()
      .find((s) => s.hub_id === HUB && s.state.current === 'live')
    const deletion = await (await del(`${SOURCES}/${source?.id}`)).json()
    const state = await h.mock.exportState()

    const other = createMock({ clock: { stepMs: 0 } })
    await other.ready
    await other.importState(JSON.parse(JSON.stringify(state)))
    expect(other.db.cycle.sources.all()).toEqual(h.mock.db.cycle.sources.all())
    expect(other.db.cycle.jobs.all()).toEqual(h.mock.db.cycle.jobs.all())

    await h.mock.importState(JSON.parse(JSON.stringify(state)))
    h.mock.clock.advance(60_000)
    const job = await (await get(`/v1/jobs/${deletion.data.job.id}`, AUTH)).json()
    expect(job.data.state.current, 'the imported job goes on where it was').toBe('completed')
  })
})

describe('the large Cycle scenario', () => {
  it('seeds 10,000 sources and pages through them in name order (speed: npm run bench, scale)', async () => {
    const faker = new Faker({ locale: [en] })
    faker.seed(1)
    const store = createCycleStore()
    await seedCycle({
      store,
      faker,
      random: createRandom(1),
      clock: createClock(),
      options: { count: 10_000 },
    })
    expect(store.sourcesByHub.count(HUB)).toBe(10_000)

    const page = getImageSources(
      store,
      HUB,
      parseListQuery(new URLSearchParams('page[number]=500&page[size]=20&sort=name')),
    )
    expect(page.data).toHaveLength(20)
    const names = page.data.map((s) => s.name.toLowerCase())
    expect(names).toEqual([...names].sort())
    const beyond = getImageSources(
      store,
      HUB,
      parseListQuery(new URLSearchParams('page[number]=501&page[size]=20')),
    )
    expect(beyond.data).toEqual([])
  })
})

describe('seeded Cycle data for snapshots', () => {
  it.each([1, 2, 3])(
    'repeats no source name and holds no credential in a real provider format (seed %i)',
    async (seed) => {
      const mock = createMock({ seed })
      await mock.ready
      const sources = mock.db.cycle.sources.all()
      const names = sources.map((s) => s.name)
      expect(new Set(names).size).toBe(names.length)
      const text = JSON.stringify(sources)
      // GitHub, GitLab and AWS key formats, as secret scanners look for them.
      expect(text).not.toMatch(/gh[pousr]_[A-Za-z0-9]{20,}|glpat-|AKIA[A-Z0-9]{16}/)
      expect(text).toMatch(/"token":"mock-token-/)
    },
  )
})
