import type { World } from '../core/scenario.ts'
import type { ScenarioOptions } from '../core/vendor.ts'
import { registrations } from '../handlers/index.ts'

/** Fills every vendor's store with the same options; each vendor has its own seeded streams. */
export async function seedEveryVendor(world: World, options: ScenarioOptions = {}): Promise<void> {
  for (const { vendor, seed } of registrations) await world.seed(vendor, seed, options)
}
