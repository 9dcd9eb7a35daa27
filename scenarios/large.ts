import type { Scenario } from '../core/scenario.ts'
import { seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSnowflake } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle, rhacs, snowflake, swr } from '../handlers/index.ts'

/** Records per vendor in the `large` scenario. */
export const LARGE_COUNT = 10_000

/** Thousands of records per vendor, for paging, filtering and speed. */
export const largeScenario: Scenario = {
  name: 'large',
  description: `${LARGE_COUNT.toLocaleString('en-US')} records per vendor, for paging, filtering and speed`,
  async seed(world) {
    const options = { count: LARGE_COUNT }
    await world.seed(snowflake, seedSnowflake, options)
    await world.seed(rhacs, seedRhacs, options)
    await world.seed(swr, seedSwr, options)
    await world.seed(cycle, seedCycle, options)
  },
}
