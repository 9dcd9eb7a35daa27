import type { ProxyAdapter, ProxyAdapters } from '../core/proxy/types.ts'
import type { SeedContext, VendorOf } from '../core/vendor.ts'
import { seedCycle } from '../fixtures/cycle.ts'
import { seedRhacs } from '../fixtures/rhacs.ts'
import { seedSnowflake } from '../fixtures/snowflake.ts'
import { seedSwr } from '../fixtures/swr.ts'
import { cycle } from './cycle/index.ts'
import { cycleProxy } from './cycle/ingest.ts'
import { rhacs } from './rhacs/index.ts'
import { rhacsProxy } from './rhacs/ingest.ts'
import { snowflake } from './snowflake/index.ts'
import { snowflakeProxy } from './snowflake/ingest.ts'
import { swr } from './swr/index.ts'
import { swrProxy } from './swr/ingest.ts'

export { controlHandlers } from './control/handlers.ts'
export { cycle, rhacs, snowflake, swr }

/**
 * A vendor as the mock registers it: its module, how scenarios fill its store, and how proxy
 * mode records its real answers into that store.
 */
interface Registration<Store, Vendor extends VendorOf<Store> = VendorOf<Store>> {
  /** Its module, with its literal name and operation ids (`OperationId` derives from them). */
  vendor: Vendor
  seed(ctx: SeedContext<Store>): Promise<void>
  proxy: ProxyAdapter<Store>
}

const register = <Store, Vendor extends VendorOf<Store>>(
  registration: Registration<Store, Vendor>,
): Registration<Store, Vendor> => registration

/**
 * The one place a vendor is wired in: everything else (the vendor list, `mock.db`, scenario
 * seeding, the docs) is derived from this table. Routing does not depend on its order.
 */
export const registry = {
  snowflake: register({ vendor: snowflake, seed: seedSnowflake, proxy: snowflakeProxy }),
  rhacs: register({ vendor: rhacs, seed: seedRhacs, proxy: rhacsProxy }),
  swr: register({ vendor: swr, seed: seedSwr, proxy: swrProxy }),
  cycle: register({ vendor: cycle, seed: seedCycle, proxy: cycleProxy }),
}

/** The registrations as one list (stores are invariant, so the list forgets their types). */
export const registrations = Object.entries(registry).map(([key, registration]) => ({
  key,
  ...(registration as unknown as Registration<unknown>),
}))

/** Each vendor's proxy adapter, by vendor name. */
export const proxyAdapters: ProxyAdapters = Object.fromEntries(
  registrations.map(({ vendor, proxy }) => [vendor.name, proxy as ProxyAdapter<never>]),
)

/** Every vendor the mock serves. */
export const vendors = registrations.map((r) => r.vendor)

/** The typed stores of one session, by vendor. */
export type MockDb = {
  [Name in keyof typeof registry]: (typeof registry)[Name] extends Registration<infer Store>
    ? Store
    : never
}
