import { builtInScenario, type Scenario } from '../core/scenario.ts'
import { seedEveryVendor } from './every-vendor.ts'

/** Records per vendor in the `large` scenario. */
export const LARGE_COUNT = 10_000

/** Thousands of records per vendor, for paging, filtering and speed. */
export const largeScenario: Scenario = builtInScenario({
  name: 'large',
  // Grouped by hand: toLocaleString() would load ICU's locale data at import (tens of ms).
  description: `${String(LARGE_COUNT).replace(/\B(?=(\d{3})+$)/g, ',')} records per vendor, for paging, filtering and speed`,
  seed: (world) => seedEveryVendor(world, { count: LARGE_COUNT }),
})
