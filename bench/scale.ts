/**
 * How costs grow with the record count: seeding the `large` scenario, and at 1,000, 10,000 and
 * 100,000 records a filtered list and a point lookup (which must not scan), in-process.
 */
import { getResponse } from 'msw'
import { createMock } from '../index.ts'
import { snowflakeRepositories } from './fixtures.ts'
import { median } from './stats.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const AUTH = { Authorization: 'Bearer bench' }

async function perRequestUs(
  handlers: Parameters<typeof getResponse>[0],
  url: string,
  n: number,
): Promise<number> {
  const rounds: number[] = []
  for (let round = 0; round < 4; round++) {
    const started = performance.now()
    for (let i = 0; i < n; i++) {
      const response = await getResponse(handlers, new Request(url, { headers: AUTH }))
      if (!response || response.status !== 200)
        throw new Error(`${url} answered ${response?.status}`)
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

/** One row per size: seeding ms, filtered-list µs, point-lookup µs. */
export async function measureScale(sizes: number[]) {
  const rows: Array<{ size: number; seedMs: number; listUs: number; fetchUs: number }> = []
  for (const size of sizes) {
    const mock = createMock({ scenario: 'empty' })
    await mock.ready
    const started = performance.now()
    await snowflakeRepositories(mock, size)
    const seedMs = performance.now() - started
    // like=team_0000% selects 10 of every 1,000 names…; the filter must look at every name.
    const listUs = await perRequestUs(
      mock.handlers,
      `http://bench.local${REPOS}?like=team_0000%25`,
      size >= 100_000 ? 20 : 100,
    )
    const fetchUs = await perRequestUs(mock.handlers, `http://bench.local${REPOS}/team_000500`, 500)
    rows.push({ size, seedMs, listUs, fetchUs })
  }
  return rows
}
