import type { AnyVendor, VendorOf } from '../core/vendor.ts'
import { cycle } from './cycle/index.ts'
import { rhacs } from './rhacs/index.ts'
import { snowflake } from './snowflake/index.ts'
import { swr } from './swr/index.ts'

export { controlHandlers } from './control/handlers.ts'
export { cycle, rhacs, snowflake, swr }

/**
 * Every vendor, in matching order. Cycle precedes RHACS because `/v1/images/sources…` (Cycle)
 * would otherwise be read as RHACS `GET /v1/images/{id}`; `sources` is never an image digest.
 */
export const vendors = [snowflake, cycle, rhacs, swr] as const satisfies readonly AnyVendor[]

type StoreOf<V> = V extends VendorOf<infer S> ? S : never

/** The typed stores of one session, by vendor. */
export interface MockDb {
  snowflake: StoreOf<typeof snowflake>
  rhacs: StoreOf<typeof rhacs>
  swr: StoreOf<typeof swr>
  cycle: StoreOf<typeof cycle>
}
