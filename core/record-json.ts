/**
 * The most JSON characters one cache keeps (about 1 MB): a list's worth of records many times
 * over. Past it the cache starts afresh, so memory stays bounded and answers stay the same.
 */
const MAX_CACHED_CHARS = 1 << 20

/**
 * The JSON text of stored records' wire shapes, each serialized once per stored record, so a list
 * answer over an unchanged store joins texts it already has instead of building and serializing
 * every record's wire shape on every request.
 *
 * Sound because a stored record object never changes: @msw/data's `update` stores a new object
 * (its schema's output) in the old one's place, `create` stores a deep copy of what it is given,
 * a delete, reset or state import drops the old objects, and the records sessions share from a
 * seeded scenario are frozen (core/state.ts). So a text kept for a record object is that object's
 * text for as long as the object exists, and a WeakMap lets the text go with it. Records are only
 * ever changed through the collections' `update`, never by writing to a stored object.
 *
 * Only for a wire shape that is a function of the record alone: nothing from other records, the
 * session's clock or account, the caller or the query. What depends on more is added around the
 * cached text by the caller, or not cached.
 */
export class RecordJson<R extends object> {
  #texts = new WeakMap<R, string>()
  #chars = 0

  /** @param wire the record's wire shape; a pure function of the record (see the class comment) */
  constructor(private readonly wire: (record: R) => object) {}

  /** `JSON.stringify(wire(record))`, serialized on the record's first use only. */
  of(record: R): string {
    let text = this.#texts.get(record)
    if (text === undefined) {
      text = JSON.stringify(this.wire(record))
      this.#chars += text.length
      // A client paging through a large store would otherwise keep a copy of all of it as JSON.
      if (this.#chars > MAX_CACHED_CHARS) {
        this.#texts = new WeakMap()
        this.#chars = text.length
      }
      this.#texts.set(record, text)
    }
    return text
  }

  /** `JSON.stringify(records.map(wire))`, byte for byte. */
  array(records: readonly R[]): string {
    return joinArray(records, (record) => this.of(record))
  }
}

/** The JSON array of `items`, each item's JSON text given by `json` (an object's or array's). */
export function joinArray<T>(items: readonly T[], json: (item: T) => string): string {
  const texts = new Array<string>(items.length)
  for (let i = 0; i < items.length; i++) texts[i] = json(items[i] as T)
  return `[${texts.join(',')}]`
}
