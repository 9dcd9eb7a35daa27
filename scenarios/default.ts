import type { Scenario } from '../core/scenario.ts'
import { seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSnowflake } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle, rhacs, snowflake, swr } from '../handlers/index.ts'

/** A small, realistic account on every vendor: enough to click through a UI. */
export const defaultScenario: Scenario = {
  name: 'default',
  description: 'A small, realistic account on every vendor',
  async seed(world) {
    await world.seed(snowflake, seedSnowflake)
    await world.seed(rhacs, seedRhacs)
    await world.seed(swr, seedSwr)
    await world.seed(cycle, seedCycle)
  },
}
