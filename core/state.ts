import type { Collection } from '@msw/data'

/** A vendor store as the core sees it: named `@msw/data` collections. */
// biome-ignore lint/suspicious/noExplicitAny: collections of any record type
export type CollectionMap = Record<string, Collection<any>>

/** Plain-JSON copy of every collection of a store. */
export function exportCollections(store: CollectionMap): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const [name, collection] of Object.entries(store)) {
    out[name] = collection.all().map((record) => JSON.parse(JSON.stringify(record)))
  }
  return out
}

/**
 * Fills an empty store from exported JSON. Every record goes through the collection's schema, so
 * an invalid document fails here, before it can replace a live store.
 */
export async function importCollections(
  store: CollectionMap,
  data: unknown,
  vendor: string,
): Promise<void> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`state.${vendor} must be an object of collections`)
  }
  for (const [name, records] of Object.entries(data)) {
    const collection = store[name]
    if (!collection)
      throw new TypeError(`state.${vendor}.${name} is not a collection of this vendor`)
    if (!Array.isArray(records)) throw new TypeError(`state.${vendor}.${name} must be an array`)
    for (const [i, record] of records.entries()) {
      try {
        await collection.create(record)
      } catch (error) {
        throw new TypeError(`state.${vendor}.${name}[${i}] is invalid: ${(error as Error).message}`)
      }
    }
  }
}
