import { builtInScenario, type Scenario } from '../core/scenario.ts'
import { seedEveryVendor } from './every-vendor.ts'

/** A small, realistic account on every vendor: enough to click through a UI. */
export const defaultScenario: Scenario = builtInScenario({
  name: 'default',
  description: 'A small, realistic account on every vendor',
  seed: (world) => seedEveryVendor(world),
})
