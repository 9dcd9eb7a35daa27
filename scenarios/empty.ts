import type { Scenario } from '../core/scenario.ts'
import { seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSnowflake } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle, rhacs, snowflake, swr } from '../handlers/index.ts'

/**
 * The accounts exist (Snowflake databases and schemas, Cycle hubs, credentials) but hold no
 * repositories, images or sources: for empty-state UIs and tests that arrange their own data.
 */
export const emptyScenario: Scenario = {
  name: 'empty',
  description: 'Accounts, databases and credentials, but no repositories, images or sources',
  async seed(world) {
    await world.seed(snowflake, seedSnowflake, { count: 0 })
    await world.seed(rhacs, seedRhacs, { count: 0 })
    await world.seed(swr, seedSwr, { count: 0 })
    await world.seed(cycle, seedCycle, { count: 0 })
  },
}
