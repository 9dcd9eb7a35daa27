/**
 * How costs grow with the record count, in-process: seeding the `large` scenario, and at 1,000,
 * 10,000 and 100,000 records a filtered, paged list and a point lookup (which must not scan).
 */
import { getResponse } from 'msw'
import type { Scenario } from '../core/scenario.ts'
import { CYCLE_HUBS, seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle, rhacs, swr } from '../handlers/index.ts'
import { createMock, type Mock } from '../index.ts'
import { snowflakeRepositories } from './fixtures.ts'
import { median } from './stats.ts'

interface ScaleCase {
  vendor: string
  list: string
  lookup: (mock: Mock) => string
  headers: Record<string, string>
  /** Sizes to run; RHACS images carry full scans (about 20 KB each), so it stops at 10,000. */
  sizes: number[]
  fill(count: number): Scenario | ((mock: Mock) => Promise<void>)
}

const scenarioOf = (name: string, seed: Scenario['seed']): Scenario => ({
  name,
  description: name,
  seed,
})

const CASES: ScaleCase[] = [
  {
    vendor: 'snowflake',
    list: '/api/v2/databases/ml_platform/schemas/images/image-repositories?like=team_0000%25',
    lookup: () => '/api/v2/databases/ml_platform/schemas/images/image-repositories/team_000500',
    headers: { Authorization: 'Bearer bench' },
    sizes: [1_000, 10_000, 100_000],
    fill: (count) => (mock) => snowflakeRepositories(mock, count),
  },
  {
    vendor: 'cycle',
    list: '/v1/images/sources?filter[search]=api&sort=-name&page[number]=2&page[size]=20',
    lookup: (mock) => `/v1/images/sources/${mock.db.cycle.sources.all().at(-1)!.id}`,
    headers: { Authorization: 'Bearer bench', 'X-Hub-Id': CYCLE_HUBS.main.id },
    sizes: [1_000, 10_000, 100_000],
    fill: (count) =>
      scenarioOf(`cycle-${count}`, (world) => world.seed(cycle, seedCycle, { count })),
  },
  {
    vendor: 'swr',
    list: '/v2/manage/shared-repositories?center=self&namespace=acme-ml&limit=20&offset=20&order_column=name&order_type=desc',
    lookup: () => '/v2/manage/shared-repositories?center=self&name=nginx&limit=1&offset=0',
    headers: { 'X-Auth-Token': 'bench', 'Content-Type': 'application/json' },
    sizes: [1_000, 10_000, 100_000],
    fill: (count) => scenarioOf(`swr-${count}`, (world) => world.seed(swr, seedSwr, { count })),
  },
  {
    vendor: 'rhacs',
    list: '/v1/images?query=Image%20Registry%3Aquay.io%2BImage%20CVE%20Count%3A%3E3&pagination.limit=50&pagination.offset=100&pagination.sortOption.field=Image%20Risk%20Priority',
    lookup: (mock) => `/v1/images/${mock.db.rhacs.images.all().at(-1)!.id}`,
    headers: { Authorization: 'Bearer bench' },
    sizes: [1_000, 10_000],
    fill: (count) =>
      scenarioOf(`rhacs-${count}`, (world) => world.seed(rhacs, seedRhacs, { count })),
  },
]

async function perRequestUs(
  mock: Mock,
  path: string,
  headers: Record<string, string>,
  n: number,
): Promise<number> {
  const rounds: number[] = []
  for (let round = 0; round < 4; round++) {
    const started = performance.now()
    for (let i = 0; i < n; i++) {
      const response = await getResponse(
        mock.handlers,
        new Request(`http://bench.local${path}`, { headers }),
      )
      if (response?.status !== 200)
        throw new Error(`${path} answered ${response?.status}: ${await response?.text()}`)
      await response.arrayBuffer()
    }
    if (round > 0) rounds.push(((performance.now() - started) * 1000) / n)
  }
  return median(rounds)
}

/** Seeding time of the `large` scenario (ms). */
export async function measureLargeSeeding(): Promise<number> {
  const started = performance.now()
  const mock = createMock({ scenario: 'large' })
  await mock.ready
  return performance.now() - started
}

/** One row per vendor and size: seeding ms, filtered-paged-list µs, point-lookup µs. */
export async function measureScale() {
  const rows: Array<{
    vendor: string
    size: number
    seedMs: number
    listUs: number
    lookupUs: number
  }> = []
  for (const c of CASES) {
    for (const size of c.sizes) {
      const fill = c.fill(size)
      const started = performance.now()
      const mock =
        typeof fill === 'function'
          ? createMock({ scenario: 'empty' })
          : createMock({ scenario: fill })
      await mock.ready
      if (typeof fill === 'function') await fill(mock)
      const seedMs = performance.now() - started
      const n = size >= 100_000 ? 10 : size >= 10_000 ? 40 : 200
      const listUs = await perRequestUs(mock, c.list, c.headers, n)
      const lookupUs = await perRequestUs(mock, c.lookup(mock), c.headers, 200)
      rows.push({ vendor: c.vendor, size, seedMs, listUs, lookupUs })
      console.log(
        `scale ${c.vendor} ${size}: seed ${seedMs.toFixed(0)} ms, list ${listUs.toFixed(0)} µs, lookup ${lookupUs.toFixed(0)} µs`,
      )
    }
  }
  return rows
}
