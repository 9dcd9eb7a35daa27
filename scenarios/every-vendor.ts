import type { World } from '../core/scenario.ts'
import type { ScenarioOptions } from '../core/vendor.ts'
import { seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSnowflake } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle, rhacs, snowflake, swr } from '../handlers/index.ts'

/** Fills every vendor's store with the same options; each vendor has its own seeded streams. */
export async function seedEveryVendor(world: World, options: ScenarioOptions = {}): Promise<void> {
  await world.seed(snowflake, seedSnowflake, options)
  await world.seed(rhacs, seedRhacs, options)
  await world.seed(swr, seedSwr, options)
  await world.seed(cycle, seedCycle, options)
}
