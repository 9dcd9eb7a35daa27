import type { OperationIdOf } from '../core/vendor.ts'
import type { registry } from './index.ts'

/**
 * Types of the operation ids the mock serves, for fault rules, journal queries and matchers,
 * derived from the vendor modules the registry lists (each operation's `id` keeps its literal
 * type): an operation added to a vendor is an `OperationId` with nothing else to edit.
 */
type RegisteredVendor = (typeof registry)[keyof typeof registry]['vendor']

/** The vendors, as operation ids and journal entries name them. */
export type VendorName = RegisteredVendor['name']

/** Every operation the mock serves, as `<vendor>.<operationId>` (the vendor's own operationId). */
export type OperationId = OperationIdOf<RegisteredVendor>

type Wildcard = '*' | '?'

/**
 * An operation id or a glob over them (`*` any run of characters, `?` one): `snowflake.*`,
 * `*.create*`, `cycle.get?mageSource`, `*`. Exact ids must be real ones, so a misspelt id does
 * not compile; a glob starts with a wildcard or a vendor name. Globs are checked at run time too:
 * one that matches no operation is refused.
 */
export type OperationPattern =
  | OperationId
  | `${VendorName}${string}${Wildcard}${string}`
  | `${Wildcard}${string}`

/**
 * What a journal query or matcher takes: an {@link OperationPattern}, or `<vendor>.unmatched`, the
 * id the journal gives requests under a vendor's paths that no operation serves (its 404 / 405).
 */
export type JournalOperationPattern = OperationPattern | `${VendorName}.unmatched`
