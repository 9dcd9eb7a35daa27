import type { Scenario } from '../core/scenario.ts'
import { seedEveryVendor } from './every-vendor.ts'

/** Records per vendor in the `large` scenario. */
export const LARGE_COUNT = 10_000

/** Thousands of records per vendor, for paging, filtering and speed. */
export const largeScenario: Scenario = {
  name: 'large',
  description: `${LARGE_COUNT.toLocaleString('en-US')} records per vendor, for paging, filtering and speed`,
  seed: (world) => seedEveryVendor(world, { count: LARGE_COUNT }),
}
