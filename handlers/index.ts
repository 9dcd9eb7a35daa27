import type { SeedContext, VendorOf } from '../core/vendor.ts'
import { seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSnowflake } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle } from './cycle/index.ts'
import { rhacs } from './rhacs/index.ts'
import { snowflake } from './snowflake/index.ts'
import { swr } from './swr/index.ts'

export { controlHandlers } from './control/handlers.ts'
export { cycle, rhacs, snowflake, swr }

/** A vendor as the mock registers it: its module and how scenarios fill its store. */
interface Registration<Store> {
  vendor: VendorOf<Store>
  seed(ctx: SeedContext<Store>): Promise<void>
}

const register = <Store>(registration: Registration<Store>): Registration<Store> => registration

/**
 * The one place a vendor is wired in: everything else (the vendor list, `mock.db`, scenario
 * seeding, the docs) is derived from this table. Routing does not depend on its order.
 */
export const registry = {
  snowflake: register({ vendor: snowflake, seed: seedSnowflake }),
  rhacs: register({ vendor: rhacs, seed: seedRhacs }),
  swr: register({ vendor: swr, seed: seedSwr }),
  cycle: register({ vendor: cycle, seed: seedCycle }),
}

/** The registrations as one list (stores are invariant, so the list forgets their types). */
export const registrations = Object.entries(registry).map(([key, registration]) => ({
  key,
  ...(registration as unknown as Registration<unknown>),
}))

/** Every vendor the mock serves. */
export const vendors = registrations.map((r) => r.vendor)

/** The typed stores of one session, by vendor. */
export type MockDb = {
  [Name in keyof typeof registry]: (typeof registry)[Name] extends Registration<infer Store>
    ? Store
    : never
}
