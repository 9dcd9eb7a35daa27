import { InputError } from './errors.ts'
import { compileGlob } from './glob.ts'
import type { JournalBudget } from './journal-budget.ts'
import { ENTRY_OVERHEAD, queryBytes, searchBytes, violationBytes } from './journal-bytes.ts'
import { type JournalEntry, type JournalRecord, PendingEntry } from './journal-entry.ts'
import { BODY_PREVIEW_CHARS, journalQuery } from './journal-preview.ts'
import { SharedTexts } from './journal-texts.ts'
import { queryRecord } from './pipeline/parse-query.ts'

export type { JournalEntry, Violation } from './journal-entry.ts'

/**
 * Filters for {@link Journal.find}; all optional, all must hold. The library's API narrows
 * `Pattern` and `Vendor` to its operation-id globs and vendor names.
 */
export interface JournalQuery<Pattern extends string = string, Vendor extends string = string> {
  /** Operation id glob, e.g. `snowflake.*`. */
  operation?: Pattern
  vendor?: Vendor
  method?: string
  status?: number
  /** Only entries with an id above this one (for polling). */
  afterId?: number
  /**
   * The newest N matching entries (with `afterId` too: a poll that fell more than N behind gets
   * the newest N, and {@link Journal.page} says how many it skipped).
   */
  limit?: number
}

export const DEFAULT_JOURNAL_LIMIT = 10_000
/**
 * Bytes a session's journal holds at most (paths, queries, body previews; a text outside Latin-1
 * counts two bytes a character, as V8 stores it): the oldest entries go first. 10,000 typical
 * entries take a third of it; entries with the largest paths, queries and bodies (each cut at
 * {@link BODY_PREVIEW_CHARS}) fill it at about 1,700, so a session's journal never holds more
 * than this whatever its callers send.
 */
export const DEFAULT_JOURNAL_BYTES = 32 * 2 ** 20

/** A bounded, per-session request log (ring buffer); reports how many entries it dropped. */
export class Journal {
  /** Each slot's entry, or its record until the entry is first read (see {@link add}). */
  readonly #entries: Array<JournalEntry | PendingEntry | undefined>
  /** Each slot's entry's bytes, counted once when recorded (not again when dropped). */
  readonly #sizes: Uint32Array
  #next = 0
  #size = 0
  #bytes = 0
  #nextId = 1
  #dropped = 0
  #listeners = new Set<(entry: JournalEntry) => void>()
  readonly #texts = new SharedTexts()
  /**
   * Each slot's query until the entry is first read (then undefined): its search text, or for a
   * record with a longer one, the query parsed and cut.
   */
  readonly #queries: Array<string | JournalEntry['query'] | undefined>

  /**
   * @param limit entries kept at most
   * @param maxBytes bytes of paths, queries and bodies kept at most (see
   *   {@link DEFAULT_JOURNAL_BYTES}); the newest entry is always kept
   * @param budget the bound shared with the other sessions' journals, if any
   */
  constructor(
    readonly limit = DEFAULT_JOURNAL_LIMIT,
    readonly maxBytes = DEFAULT_JOURNAL_BYTES,
    budget?: JournalBudget,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('journal limit must be a positive integer')
    this.#entries = new Array(limit)
    this.#queries = new Array(limit)
    this.#sizes = new Uint32Array(limit)
    this.#budget = budget
    budget?.join(this)
  }

  /** The shared bound; gone once the session is (a request still in flight then counts nowhere). */
  #budget: JournalBudget | undefined

  /** Bytes of paths, queries and bodies the journal holds (see {@link DEFAULT_JOURNAL_BYTES}). */
  get bytes(): number {
    return this.#bytes
  }

  /**
   * Appends an entry already made (the pipeline's requests come through {@link add}), dropping
   * the oldest while over either bound.
   * @param query the request's query: the URL's `search` text, which for at most
   *   {@link BODY_PREVIEW_CHARS} characters is kept as it is and parsed only when the entry is
   *   first read (most entries never are), or a query already parsed
   */
  record(entry: Omit<JournalEntry, 'id' | 'query'>, query: string | JournalEntry['query']): void {
    const lazy = typeof query === 'string' && query.length <= BODY_PREVIEW_CHARS + 1
    const path = this.#texts.intern(entry.path)
    const requestBody = entry.requestBody === null ? null : this.#texts.intern(entry.requestBody)
    const responseBody = entry.responseBody === null ? null : this.#texts.intern(entry.responseBody)
    const full: JournalEntry = {
      id: this.#nextId++,
      ...entry,
      // Filled in when first read (see `#read`), from the search text kept in its slot.
      query: (lazy ? undefined : parsedQuery(query)) as JournalEntry['query'],
      path: path.text,
      requestBody: requestBody?.text ?? null,
      responseBody: responseBody?.text ?? null,
    }
    const search = lazy ? this.#texts.intern(query).text : undefined
    const bytes =
      ENTRY_OVERHEAD +
      path.bytes +
      (requestBody?.bytes ?? 0) +
      (responseBody?.bytes ?? 0) +
      (search === undefined ? queryBytes(full.query) : searchBytes(search)) +
      queryBytes(full.requestHeaders) +
      queryBytes(full.responseHeaders) +
      violationBytes(full.violations)
    this.#append(full, search, bytes)
  }

  /**
   * Appends a request as the pipeline saw it, dropping the oldest entries while over either
   * bound: its texts are cut and shared now, its entry made when first read.
   */
  add(record: JournalRecord): void {
    const lazy = record.search.length <= BODY_PREVIEW_CHARS + 1
    const query = lazy ? this.#texts.intern(record.search).text : parsedQuery(record.search)
    const pending = new PendingEntry(this.#nextId++, record, this.#texts)
    const queryCost = typeof query === 'string' ? searchBytes(query) : queryBytes(query)
    this.#append(pending, query, pending.bytes + queryCost)
  }

  /** Puts an entry (or record) in the next slot with its query and byte count. */
  #append(
    held: JournalEntry | PendingEntry,
    query: string | JournalEntry['query'] | undefined,
    bytes: number,
  ): void {
    if (this.#size === this.limit) this.#dropOldest()
    this.#entries[this.#next] = held
    this.#queries[this.#next] = query
    this.#sizes[this.#next] = bytes
    this.#next = (this.#next + 1) % this.limit
    this.#size++
    this.#adjust(bytes)
    while (this.#bytes > this.maxBytes && this.#size > 1) this.#dropOldest()
    this.#budget?.settle()
    if (this.#listeners.size === 0) return
    const read = this.#read((this.#next - 1 + this.limit) % this.limit) as JournalEntry
    for (const listener of this.#listeners) listener(read)
  }

  /** The entry in a slot, made now from its record, or its query parsed now, if not yet read. */
  #read(slot: number): JournalEntry | undefined {
    const held = this.#entries[slot]
    const query = this.#queries[slot]
    if (held === undefined || query === undefined) return held as JournalEntry | undefined
    const parsed = typeof query === 'string' ? parsedQuery(query) : query
    this.#queries[slot] = undefined
    if (!(held instanceof PendingEntry)) {
      held.query = parsed
      return held
    }
    const entry = held.entry(parsed)
    this.#entries[slot] = entry
    return entry
  }

  #oldest(): number {
    return (this.#next - this.#size + this.limit) % this.limit
  }

  /** Changes this journal's bytes and the shared total with them. */
  #adjust(delta: number): void {
    this.#bytes += delta
    this.#budget?.add(delta)
  }

  #dropOldest(): void {
    const at = this.#oldest()
    this.#adjust(-(this.#sizes[at] as number))
    this.#sizes[at] = 0
    this.#entries[at] = undefined
    this.#queries[at] = undefined
    this.#size--
    this.#dropped++
  }

  /** @internal Drops the oldest entry for the shared bound; false when only the newest is left. */
  shed(): boolean {
    if (this.#size <= 1) return false
    this.#dropOldest()
    return true
  }

  /** Empties the journal and leaves the shared bound: its session is gone. */
  detach(): void {
    this.clear()
    this.#budget?.leave(this)
    this.#budget = undefined
  }

  /** Entries matching the query, oldest first. */
  find(query: JournalQuery = {}): JournalEntry[] {
    return this.page(query).entries
  }

  /**
   * Entries matching the query, oldest first, and how many older matches `limit` left out (0
   * without a limit): a client polling with `afterId` and `limit` sees when it fell behind.
   */
  page(query: JournalQuery = {}): { entries: JournalEntry[]; omitted: number } {
    const { slots, omitted } = this.#select(query)
    return { entries: slots.map((slot) => this.#read(slot) as JournalEntry), omitted }
  }

  /**
   * What {@link page} returns, newest first and read only as the caller iterates: an answer with
   * a size bound stops early and parses no query it leaves out. `count` is how many `entries`
   * yields at most.
   */
  pageNewestFirst(query: JournalQuery = {}): {
    entries: Iterable<JournalEntry>
    count: number
    omitted: number
  } {
    const { slots, omitted } = this.#select(query)
    return { entries: this.#readNewestFirst(slots), count: slots.length, omitted }
  }

  *#readNewestFirst(slots: number[]): Generator<JournalEntry> {
    for (let i = slots.length - 1; i >= 0; i--) yield this.#read(slots[i] as number) as JournalEntry
  }

  /** The slots of the entries a query selects, oldest first; filters never parse a query. */
  #select(query: JournalQuery): { slots: number[]; omitted: number } {
    for (const key of ['limit', 'afterId', 'status'] as const) {
      const value = query[key]
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
        throw new InputError(`journal ${key} must be a whole number ≥ 0; got ${value}`)
    }
    const operation = query.operation ? compileGlob(query.operation) : undefined
    const method = query.method?.toUpperCase()
    const matches: number[] = []
    const start = this.#oldest()
    for (let i = 0; i < this.#size; i++) {
      const slot = (start + i) % this.limit
      const entry = this.#entries[slot]
      if (!entry) continue
      if (operation && !operation.test(entry.operation)) continue
      if (query.vendor && entry.vendor !== query.vendor) continue
      if (method && entry.method !== method) continue
      if (query.status !== undefined && entry.status !== query.status) continue
      if (query.afterId !== undefined && entry.id <= query.afterId) continue
      matches.push(slot)
    }
    // Not slice(-limit): slice(-0) is the whole list.
    const slots =
      query.limit !== undefined ? matches.slice(Math.max(0, matches.length - query.limit)) : matches
    return { slots, omitted: matches.length - slots.length }
  }

  /** All retained entries, oldest first. */
  *entries(): Generator<JournalEntry> {
    const start = this.#oldest()
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#read((start + i) % this.limit)
      if (entry) yield entry
    }
  }

  get size(): number {
    return this.#size
  }

  /** How many entries were pushed out by either bound since the last clear. */
  get dropped(): number {
    return this.#dropped
  }

  clear(): void {
    this.#entries.fill(undefined)
    this.#queries.fill(undefined)
    this.#sizes.fill(0)
    this.#next = 0
    this.#size = 0
    this.#adjust(-this.#bytes)
    this.#dropped = 0
    this.#texts.clear()
  }

  /** Calls `listener` for every new entry; returns the unsubscribe function. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}

/** A query as the journal keeps it, from search text or from a query already parsed. */
function parsedQuery(query: string | JournalEntry['query']): JournalEntry['query'] {
  return journalQuery(typeof query === 'string' ? queryRecord(new URLSearchParams(query)) : query)
}
