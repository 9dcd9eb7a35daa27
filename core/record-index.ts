import type { Collection } from '@msw/data'

/**
 * A hash index over an `@msw/data` collection, so point lookups and per-parent listings do not scan
 * every record. The collection stays the model: the index follows its create and delete hooks
 * incrementally and rebuilds itself lazily after an update (an update may change a key).
 * Buckets keep the collection's insertion order.
 */
export class RecordIndex<T extends object> {
  #buckets = new Map<string, T[]>()
  #dirty = true

  constructor(
    private readonly collection: Collection<never> & { all(): T[] },
    private readonly keyOf: (record: T) => string,
  ) {
    const hooks = (collection as unknown as { hooks: HookEmitter<T> }).hooks
    hooks.on('create', (event) => {
      if (!this.#dirty) this.#add(event.data.record)
    })
    hooks.on('delete', (event) => {
      if (!this.#dirty) this.#remove(event.data.deletedRecord)
    })
    hooks.on('update', () => {
      this.#dirty = true
    })
  }

  /** Every record with this key, in insertion order (a fresh array). */
  all(key: string): T[] {
    return [...this.#bucket(key)]
  }

  /** The first record with this key. */
  first(key: string): T | undefined {
    return this.#bucket(key)[0]
  }

  /** How many records have this key. */
  count(key: string): number {
    return this.#bucket(key).length
  }

  #bucket(key: string): readonly T[] {
    if (this.#dirty) this.#rebuild()
    return this.#buckets.get(key) ?? EMPTY
  }

  #rebuild(): void {
    this.#buckets = new Map()
    for (const record of this.collection.all()) this.#add(record)
    this.#dirty = false
  }

  #add(record: T): void {
    const key = this.keyOf(record)
    const bucket = this.#buckets.get(key)
    if (bucket) bucket.push(record)
    else this.#buckets.set(key, [record])
  }

  #remove(record: T): void {
    const key = this.keyOf(record)
    const bucket = this.#buckets.get(key)
    const at = bucket?.indexOf(record) ?? -1
    if (!bucket || at === -1) return
    bucket.splice(at, 1)
    if (bucket.length === 0) this.#buckets.delete(key)
  }
}

const EMPTY: readonly never[] = []

interface HookEmitter<T> {
  on(type: 'create', listener: (event: { data: { record: T } }) => void): void
  on(type: 'delete', listener: (event: { data: { deletedRecord: T } }) => void): void
  on(type: 'update', listener: () => void): void
}

/** The stored record type of a collection (with @msw/data's internal keys). */
// biome-ignore lint/suspicious/noExplicitAny: any collection
export type RecordOf<C extends Collection<any>> = ReturnType<C['all']>[number]

/** Builds an index over a collection; `keyOf` must depend only on the record's fields. */
// biome-ignore lint/suspicious/noExplicitAny: any collection
export function indexBy<C extends Collection<any>>(
  collection: C,
  keyOf: (record: RecordOf<C>) => string,
): RecordIndex<RecordOf<C>> {
  return new RecordIndex<RecordOf<C>>(collection as never, keyOf)
}
