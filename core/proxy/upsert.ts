import type { Collection } from '@msw/data'

// biome-ignore lint/suspicious/noExplicitAny: collections of any record type
type AnyCollection = Collection<any>

/**
 * Replaces an existing record in place (keeping its position, which some lists order by) or
 * creates it. Keys the new record lacks are removed.
 */
export async function upsertRecord<T extends object>(
  collection: AnyCollection,
  existing: object | undefined,
  next: T,
): Promise<void> {
  if (!existing) {
    await collection.create(next)
    return
  }
  await collection.update(existing, {
    data(draft: Record<string, unknown>) {
      for (const key of Object.keys(draft)) if (!(key in next)) delete draft[key]
      Object.assign(draft, structuredClone(next))
    },
  })
}
