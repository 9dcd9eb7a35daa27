import { builtInScenario, type Scenario } from '../core/scenario.ts'
import { seedEveryVendor } from './every-vendor.ts'

/**
 * The accounts exist (Snowflake databases and schemas, Cycle hubs, credentials) but hold no
 * repositories, images or sources: for empty-state UIs and tests that arrange their own data.
 */
export const emptyScenario: Scenario = builtInScenario({
  name: 'empty',
  description: 'Accounts, databases and credentials, but no repositories, images or sources',
  seed: (world) => seedEveryVendor(world, { count: 0 }),
})
