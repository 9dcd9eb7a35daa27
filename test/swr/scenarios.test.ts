import { en, Faker } from '@faker-js/faker'
import { afterEach, describe, expect, it } from 'vitest'
import { createClock } from '../../core/clock.ts'
import { createRandom } from '../../core/random.ts'
import type { SeedContext } from '../../core/vendor.ts'
import { SWR_ACCESS_KEY, SWR_ACCOUNT, seedSwr } from '../../fixtures/swr.ts'
import { createSwrStore, type SwrStore } from '../../handlers/swr/store.ts'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectSwrShape } from './contract.ts'
import { signWithHuaweiSigner } from './signing.ts'

/** What a scenario hands seedSwr, with a fixed seed. */
function seedContext(store: SwrStore, count?: number): SeedContext<SwrStore> {
  const faker = new Faker({ locale: [en] })
  faker.seed(1)
  return { store, faker, random: createRandom(1), clock: createClock(), options: { count } }
}

const HEADERS = { 'X-Auth-Token': 'test-iam-token', 'Content-Type': 'application/json' }
const LIST = '/v2/manage/shared-repositories'

describe.each(TRANSPORTS)('SWR scenarios (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  it('keeps the account and its access key in the empty scenario, with no repositories', async () => {
    h = await startHarness(transport, { scenario: 'empty' })
    expect(h.mock.db.swr.accounts.all()).toEqual([SWR_ACCOUNT])
    const signed = signWithHuaweiSigner({
      baseUrl: h.baseUrl,
      path: LIST,
      query: { center: 'self', limit: '10', offset: '0' },
    })
    const response = await h.fetch(signed.url, { headers: signed.headers })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual([])
    expect(response.headers.get('content-range')).toBe('0-0/0')
  })

  it('pages through 10,000 repositories, as the large scenario seeds them', async () => {
    h = await startHarness(transport, { scenario: 'empty' })
    const store = h.mock.db.swr
    // The empty scenario's account and key are re-created by the seeding below.
    store.accounts.clear()
    store.accessKeys.clear()
    await seedSwr(seedContext(store, 10_000))
    const self = await h.fetch(`${LIST}?center=self&limit=100&offset=5900`, { headers: HEADERS })
    const third = await h.fetch(`${LIST}?filter=center::thirdparty|limit::100|offset::3900`, {
      headers: HEADERS,
    })
    expect(self.headers.get('content-range')).toBe('5900-100/6000')
    expect(third.headers.get('content-range')).toBe('3900-100/4000')
    const page = await self.json()
    expectSwrShape('ListSharedReposDetailsResponseBody', page)
    expect(page.every((r: { total_range: number }) => r.total_range === 6000)).toBe(true)
    const keys = store.sharedRepositories
      .all()
      .map((r) => `${r.domain_name}/${r.namespace}/${r.name}`)
    expect(new Set(keys).size, 'repositories are unique per account and organization').toBe(10_000)
  })
})

describe('SWR seeding and state', () => {
  it('seeds 10,000 repositories (speed: npm run bench, scale)', async () => {
    const store = createSwrStore()
    await seedSwr(seedContext(store, 10_000))
    expect(store.sharedRepositories.count()).toBe(10_000)
  })

  it('gives byte-identical answers for the same seed and different data for another', async () => {
    async function listing(seed: number) {
      const h = await startHarness('express', { seed })
      try {
        const response = await h.fetch(`${LIST}?center=thirdparty&limit=5&offset=0`, {
          headers: HEADERS,
        })
        return {
          body: await response.text(),
          range: response.headers.get('content-range'),
          requestId: response.headers.get('x-request-id'),
        }
      } finally {
        await h.close()
      }
    }
    const a = await listing(7)
    expect(await listing(7)).toEqual(a)
    expect((await listing(8)).body).not.toBe(a.body)
  })

  it('exports and imports its state through the schemas', async () => {
    const source = createMock({ seed: 3 })
    await source.ready
    const state = await source.exportState()
    expect(state.stores.swr?.accessKeys).toEqual([
      expect.objectContaining({ accessKey: SWR_ACCESS_KEY }),
    ])
    const target = createMock({ scenario: 'empty' })
    await target.ready
    await target.importState(state)
    expect(target.db.swr.sharedRepositories.all()).toEqual(source.db.swr.sharedRepositories.all())
    const broken = structuredClone(state)
    ;(broken.stores.swr?.sharedRepositories?.[0] as { category: string }).category = 'games'
    await expect(target.importState(broken)).rejects.toThrow(
      /state\.swr\.sharedRepositories\[0\] is invalid: category/,
    )
  })
})
