import type { Collection } from '@msw/data'

// biome-ignore lint/suspicious/noExplicitAny: any collection
type AnyCollection = Collection<any>

/** The stored record type of a collection (with @msw/data's internal keys). */
export type RecordOf<C extends AnyCollection> = ReturnType<C['all']>[number]

/**
 * A hash index over an `@msw/data` collection, so point lookups and per-parent listings do not scan
 * every record. The collection stays the model: the index follows its create and delete hooks
 * incrementally and rebuilds itself lazily after an update (an update may change a key).
 * Buckets keep the collection's insertion order.
 * @note Generic over the collection rather than the record, so declaration files can name it.
 */
export class RecordIndex<C extends AnyCollection> {
  #buckets = new Map<string, Array<RecordOf<C>>>()
  #dirty = true

  constructor(
    private readonly collection: C,
    private readonly keyOf: (record: RecordOf<C>) => string,
  ) {
    const hooks = (collection as unknown as { hooks: HookEmitter<RecordOf<C>> }).hooks
    hooks.on('create', (event) => {
      if (!this.#dirty) this.#add(event.data.record)
    })
    hooks.on('delete', (event) => {
      if (!this.#dirty) this.#remove(event.data.deletedRecord)
    })
    hooks.on('update', (event) => this.#updating(event.data.prevRecord))
    this.#followUpdates()
  }

  /**
   * The stored record an update is replacing, found while the update runs; null when it could
   * not be found (then the index rebuilds on its next read).
   */
  #replacing: RecordOf<C> | null | undefined

  /**
   * @msw/data's update hook fires before the new record exists (and passes a copy of the old
   * one), so the index cannot swap records there. `update` is wrapped instead: the hook notes which
   * stored record is being replaced, and when `update` resolves with the new record, it takes that
   * record's place in its bucket. One update then costs a bucket's length, not a rebuild of the
   * whole index (which made every Cycle PATCH O(records)). Anything else that updates records
   * (`updateMany`, relations) leaves the index to rebuild on its next read.
   */
  #followUpdates(): void {
    const collection = this.collection as unknown as {
      update(...args: unknown[]): Promise<RecordOf<C> | undefined>
    }
    const update = collection.update.bind(collection)
    collection.update = async (...args) => {
      // Two updates in flight at once cannot tell whose record the hook saw.
      if (++this.#inFlight > 1) this.#dirty = true
      this.#replacing = undefined
      let next: RecordOf<C> | undefined
      try {
        next = await update(...args)
      } finally {
        this.#inFlight--
      }
      const prev = this.#replacing
      this.#replacing = undefined
      if (this.#dirty || (!next && prev === undefined)) return next
      // An update without changes fires no hook but still stores a new record.
      if (next && prev) this.#swap(prev, next)
      else this.#dirty = true
      return next
    }
  }

  #inFlight = 0

  #updating(copy: RecordOf<C>): void {
    // Outside `update` (updateMany, relations) or beside another update: rebuild on next read.
    if (this.#inFlight !== 1) this.#dirty = true
    if (this.#dirty || this.#replacing !== undefined) return
    const id = primaryKeyOf(copy)
    const bucket = this.#buckets.get(this.keyOf(copy))
    this.#replacing =
      (id !== undefined && bucket?.find((record) => primaryKeyOf(record) === id)) || null
    if (this.#replacing === null) this.#dirty = true
  }

  #swap(prev: RecordOf<C>, next: RecordOf<C>): void {
    const key = this.keyOf(prev)
    const bucket = this.#buckets.get(key)
    const at = bucket?.indexOf(prev) ?? -1
    // A changed key would need the record's place among its new bucket's: rebuild instead.
    if (!bucket || at === -1 || this.keyOf(next) !== key) this.#dirty = true
    else bucket[at] = next
  }

  /** Every record with this key, in insertion order (a fresh array). */
  all(key: string): Array<RecordOf<C>> {
    return [...this.#bucket(key)]
  }

  /** The first record with this key. */
  first(key: string): RecordOf<C> | undefined {
    return this.#bucket(key)[0]
  }

  /** How many records have this key. */
  count(key: string): number {
    return this.#bucket(key).length
  }

  #bucket(key: string): ReadonlyArray<RecordOf<C>> {
    if (this.#dirty) this.#rebuild()
    return this.#buckets.get(key) ?? []
  }

  #rebuild(): void {
    this.#buckets = new Map()
    for (const record of this.collection.all() as Array<RecordOf<C>>) this.#add(record)
    this.#dirty = false
  }

  #add(record: RecordOf<C>): void {
    const key = this.keyOf(record)
    const bucket = this.#buckets.get(key)
    if (bucket) bucket.push(record)
    else this.#buckets.set(key, [record])
  }

  #remove(record: RecordOf<C>): void {
    const key = this.keyOf(record)
    const bucket = this.#buckets.get(key)
    const at = bucket?.indexOf(record) ?? -1
    if (!bucket || at === -1) return
    bucket.splice(at, 1)
    if (bucket.length === 0) this.#buckets.delete(key)
  }
}

interface HookEmitter<T> {
  on(type: 'create', listener: (event: { data: { record: T } }) => void): void
  on(type: 'delete', listener: (event: { data: { deletedRecord: T } }) => void): void
  on(type: 'update', listener: (event: { data: { prevRecord: T } }) => void): void
}

/**
 * A record's primary key, which @msw/data keeps under a symbol it does not export (the same on
 * the copies its hooks pass); undefined if a later version stores it otherwise.
 */
function primaryKeyOf(record: object): unknown {
  // Found once: an update compares it on every record of a bucket (a whole hub's sources).
  primaryKey ??= Object.getOwnPropertySymbols(record).find((s) => s.description === 'kPrimaryKey')
  return primaryKey === undefined ? undefined : (record as Record<symbol, unknown>)[primaryKey]
}
let primaryKey: symbol | undefined

/** Builds an index over a collection; `keyOf` must depend only on the record's fields. */
export function indexBy<C extends AnyCollection>(
  collection: C,
  keyOf: (record: RecordOf<C>) => string,
): RecordIndex<C> {
  return new RecordIndex(collection, keyOf)
}

/** The Collection methods that change records. */
const MUTATORS = ['create', 'createMany', 'update', 'updateMany', 'delete', 'deleteMany', 'clear']

/**
 * Counts writes to some collections, so a projection derived from them (counts, rankings) can be
 * cached across requests and rebuilt only after a change.
 */
export class ChangeCounter {
  #version = 0

  constructor(...collections: AnyCollection[]) {
    const bump = () => {
      this.#version++
    }
    for (const collection of collections) {
      const hooks = (collection as unknown as { hooks: HookEmitter<unknown> }).hooks
      hooks.on('create', bump)
      hooks.on('delete', bump)
      hooks.on('update', bump)
      // @msw/data's hooks fire before the write is stored: a projection computed in between
      // would see the old records under the new version and keep them. Bumping again once the
      // write has finished makes such a projection stale at once.
      const target = collection as unknown as Record<string, (...args: unknown[]) => unknown>
      for (const method of MUTATORS) {
        const original = target[method]?.bind(collection)
        if (!original) continue
        target[method] = (...args) => {
          const result = original(...args)
          if (result instanceof Promise) return result.finally(bump)
          bump()
          return result
        }
      }
    }
  }

  /** Changes with every create, update or delete in the watched collections. */
  get version(): number {
    return this.#version
  }
}

/** A value derived from collections, recomputed only when they changed since the last read. */
export class CachedProjection<T> {
  #version = -1
  #value: T | undefined

  constructor(
    private readonly changes: ChangeCounter,
    private readonly compute: () => T,
  ) {}

  get value(): T {
    if (this.#version !== this.changes.version || this.#value === undefined) {
      this.#value = this.compute()
      this.#version = this.changes.version
    }
    return this.#value
  }
}
