import { Collection } from '@msw/data'
import { InputError } from './errors.ts'

/** A vendor store as the core sees it: named `@msw/data` collections (plus derived indexes). */
export type CollectionMap = Record<string, unknown>

// biome-ignore lint/suspicious/noExplicitAny: collections of any record type
type AnyCollection = Collection<any>

/** The Standard Schema a collection was built with (kept private by @msw/data's types). */
interface WithSchema {
  options: {
    schema: {
      '~standard': {
        validate(value: unknown): Promise<{
          value?: unknown
          issues?: ReadonlyArray<{
            message: string
            path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>
          }>
        }>
      }
    }
  }
}

/** The store's collections; indexes and other derived members are rebuilt, never exported. */
function collectionsOf(store: CollectionMap): Array<[string, AnyCollection]> {
  return Object.entries(store).filter(
    (entry): entry is [string, AnyCollection] => entry[1] instanceof Collection,
  )
}

/**
 * A record that fails its collection's schema. `path` locates the first problem from the vendor
 * name down (`['snowflake', 'repositories', 3, 'name']`), so callers can name it in their own
 * document's terms; `reason` is the schema's message for it.
 */
export class StateRecordError extends InputError {
  override readonly name = 'StateRecordError'
  constructor(
    message: string,
    readonly path: ReadonlyArray<string | number>,
    readonly reason: string,
  ) {
    super(message)
  }
}

/** Plain-JSON copy of every collection of a store. */
export function exportCollections(store: CollectionMap): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const [name, collection] of collectionsOf(store)) {
    out[name] = collection.all().map((record) => JSON.parse(JSON.stringify(record)))
  }
  return out
}

/**
 * {@link exportCollections} that awaits `pace` after each record, so a large store (a `large`
 * session holds tens of MB) is copied while other sessions' requests run.
 */
export async function exportCollectionsPaced(
  store: CollectionMap,
  pace: () => Promise<void>,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const [name, collection] of collectionsOf(store)) {
    const records: unknown[] = []
    for (const record of collection.all()) {
      records.push(JSON.parse(JSON.stringify(record)))
      await pace()
    }
    out[name] = records
  }
  return out
}

/**
 * `JSON.stringify(state)` of an exported state (`{ ...rest, stores }`, `stores` last), byte for
 * byte, written record by record with `pace` awaited after each, so serialising a large session
 * never holds the event loop.
 */
export async function stateJson(
  state: { stores: Record<string, Record<string, unknown[]>> },
  pace: () => Promise<void>,
): Promise<string> {
  const { stores, ...rest } = state
  const head = JSON.stringify(rest)
  const pieces: string[] = [head.length > 2 ? `${head.slice(0, -1)},"stores":{` : '{"stores":{']
  for (const [v, [vendor, collections]] of Object.entries(stores).entries()) {
    pieces.push(`${v > 0 ? ',' : ''}${JSON.stringify(vendor)}:{`)
    for (const [c, [name, records]] of Object.entries(collections).entries()) {
      pieces.push(`${c > 0 ? ',' : ''}${JSON.stringify(name)}:[`)
      for (const [r, record] of records.entries()) {
        pieces.push(`${r > 0 ? ',' : ''}${JSON.stringify(record)}`)
        await pace()
      }
      pieces.push(']')
    }
    pieces.push('}')
  }
  pieces.push('}}')
  return pieces.join('')
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
  const refuse = (path: Array<string | number>, reason: string) =>
    new StateRecordError(`state.${path.join('.')} ${reason}`, path, reason)
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw refuse([vendor], 'must be an object of collections')
  }
  const collections = new Map(collectionsOf(store))
  for (const [name, records] of Object.entries(data as object)) {
    const collection = collections.get(name)
    if (!collection) {
      throw refuse(
        [vendor, name],
        `is not a collection of this vendor (it has ${[...collections.keys()].join(', ')})`,
      )
    }
    if (!Array.isArray(records)) throw refuse([vendor, name], 'must be an array')
    for (const [i, record] of records.entries()) {
      // Validate first: a failed create() would also log the issues to the console.
      const checked = await (collection as unknown as WithSchema).options.schema[
        '~standard'
      ].validate(record)
      if (checked.issues) {
        const keys = (issue: (typeof checked.issues)[number]) =>
          (issue.path ?? []).map((p) => {
            const key = typeof p === 'object' ? p.key : p
            return typeof key === 'number' ? key : String(key)
          })
        const problems = checked.issues.map(
          (issue) => `${keys(issue).join('.') || 'record'}: ${issue.message}`,
        )
        const first = checked.issues[0]!
        throw new StateRecordError(
          `state.${vendor}.${name}[${i}] is invalid: ${problems.join('; ')}`,
          [vendor, name, i, ...keys(first)],
          first.message,
        )
      }
      // The schema's output: defaults fill what a hand-written file left out.
      await collection.create('value' in checked ? checked.value : record)
    }
  }
}

/**
 * A store's records at one moment, per collection, frozen so that every session sharing them
 * sees the same values. @msw/data never changes a stored record in place (an update stores a new
 * record), so a frozen record only ever stops a handler that would write through a shared one.
 */
export type StoreSnapshot = ReadonlyMap<string, readonly unknown[]>

/**
 * Makes a store's collections store records as given, without their schema's validation (only
 * @msw/data's own bookkeeping), until the returned function is called. For seeding built-in
 * scenarios only: see `builtInScenario` in core/scenario.ts.
 */
export function skipValidation(store: CollectionMap): () => void {
  const restore: Array<() => void> = []
  for (const [, collection] of collectionsOf(store)) {
    const target = collection as unknown as WithSchema
    const options = target.options
    target.options = {
      ...options,
      schema: { '~standard': { validate: async (value: unknown) => ({ value }) } },
    }
    restore.push(() => {
      target.options = options
    })
  }
  return () => {
    for (const undo of restore) undo()
  }
}

/**
 * Takes a store's records as a {@link StoreSnapshot}, freezing each one (deeply); `pace`, awaited
 * after each record, lets a caller yield to other work between them.
 */
export async function snapshotCollections(
  store: CollectionMap,
  pace: () => Promise<void> = async () => {},
): Promise<StoreSnapshot> {
  const snapshot = new Map<string, readonly unknown[]>()
  for (const [name, collection] of collectionsOf(store)) {
    const records = [...collection.all()]
    for (const record of records) {
      deepFreeze(record)
      await pace()
    }
    snapshot.set(name, records)
  }
  return snapshot
}

/**
 * Fills an empty store with a snapshot's records without copying or re-validating them: each
 * collection gets its own array of the shared, frozen records, so a later create, update or
 * delete in this store changes this store only. Costs one pointer per record.
 * @note `Collection.all()` returns the collection's own array (@msw/data keeps record references
 * for its queries); if a later @msw/data copies it, the length check below falls back to
 * `create()`, which re-validates but stays correct.
 */
export async function restoreCollections(
  store: CollectionMap,
  snapshot: StoreSnapshot,
): Promise<void> {
  for (const [name, collection] of collectionsOf(store)) {
    const records = snapshot.get(name)
    if (!records || records.length === 0) continue
    const own = collection.all()
    // One push per record: spreading 100,000 arguments would overflow the stack.
    for (const record of records) own.push(record)
    if (collection.count() !== records.length) {
      for (const record of records) await collection.create(record)
    }
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return
  Object.freeze(value)
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
}
