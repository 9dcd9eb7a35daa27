import { InputError } from './errors.ts'
import { compileGlob } from './glob.ts'
import type { JournalBudget } from './journal-budget.ts'
import {
  ENTRY_OVERHEAD,
  queryBytes,
  searchBytes,
  textBytes,
  violationBytes,
} from './journal-bytes.ts'
import { BODY_PREVIEW_CHARS, journalQuery } from './journal-preview.ts'
import { queryRecord } from './pipeline/parse-query.ts'

/**
 * A difference between a proxied exchange and the operation's contract (the mock's own zod
 * schemas): `request` when the caller sent it, `response` when the upstream answered it (drift).
 */
export interface Violation {
  where: 'request' | 'response'
  /** Where in the exchange, e.g. `body[0].name`, `query.createMode`, `status`. */
  path: string
  /** Names the operation, the path and what was expected. */
  message: string
}

/** One API request as the mock saw it. */
export interface JournalEntry {
  id: number
  /** Session clock time of the request (ISO-8601). */
  time: string
  /**
   * Wall-clock time the request arrived (ISO-8601 with milliseconds): what a client's waits are
   * measured on, whatever the session clock does.
   */
  receivedAt: string
  session: string
  operation: string
  vendor: string
  method: string
  path: string
  query: Record<string, string | string[]>
  /** The request body as text, cut at {@link BODY_PREVIEW_CHARS}. */
  requestBody: string | null
  requestBodyTruncated: boolean
  /** The response body as text, cut at {@link BODY_PREVIEW_CHARS}; null without a body or answer. */
  responseBody: string | null
  responseBodyTruncated: boolean
  status: number
  /** `reset`, `timeout`, `garbage`, `empty`: no HTTP answer (status 0); `truncate`: the body was cut. */
  network: 'reset' | 'timeout' | 'garbage' | 'empty' | 'truncate' | null
  durationMs: number
  /**
   * The request's headers (lower-case names; credentials and signatures replaced by
   * `<redacted>`, an `Authorization` keeping its scheme), cut as {@link JournalEntry.query} is.
   */
  requestHeaders: Record<string, string>
  /** The answer's headers, the same way; empty when none was sent (dropped, abandoned). */
  responseHeaders: Record<string, string>
  requestId: string
  /** The id of the fault rule that fired, if any. */
  fault: string | null
  /** The latency the request got before its answer (fault rules' `delayMs` drawn, `X-Mock-Delay`), ms; absent when none applied. */
  delayMs?: number
  /**
   * Set when an `afterCommit` fault lost the answer of an operation that succeeded: its change is
   * stored though the client saw a failure (a retry may create a duplicate).
   */
  committed?: true
  /** Set when a `bytesPerSecond` fault sent the answer's body slowly: the rate, bytes a second. */
  bytesPerSecond?: number
  /**
   * Set when an `effect.async: "fail"` fault made the async work this request started (a job, an
   * async result) end in the vendor's error.
   */
  asyncFailed?: true
  /** Set when the client was gone before the operation started: it did not run, nobody got an answer (`status` 0). */
  abandoned?: true
  /** A request no route serves: the nearest operation, as its `X-Mock-Hint` header says. */
  hint?: string
  /**
   * Proxied requests only: contract violations found in the request and the upstream's answer
   * (a streamed answer adds its own as the stream passes).
   */
  violations?: Violation[]
}

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
  readonly #entries: Array<JournalEntry | undefined>
  /** Each slot's entry's bytes, counted once when recorded (not again when dropped). */
  readonly #sizes: Uint32Array
  #next = 0
  #size = 0
  #bytes = 0
  #nextId = 1
  #dropped = 0
  #listeners = new Set<(entry: JournalEntry) => void>()
  /**
   * The texts of recent entries (paths, bodies), each kept once: a client that polls a list gets
   * the same answer thousands of times, and a full journal of its entries then holds one copy of
   * that body instead of 10,000 (about 20 MB).
   */
  readonly #texts = new Map<string, Interned>()
  /** Each slot's query as search text, until the entry is first read (then undefined). */
  readonly #searches: Array<string | undefined>

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
    this.#searches = new Array(limit)
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
   * Appends an entry, dropping the oldest while over either bound.
   * @param query the request's query: the URL's `search` text, which for at most
   *   {@link BODY_PREVIEW_CHARS} characters is kept as it is and parsed only when the entry is
   *   first read (most entries never are), or a query already parsed
   */
  record(entry: Omit<JournalEntry, 'id' | 'query'>, query: string | JournalEntry['query']): void {
    const lazy = typeof query === 'string' && query.length <= BODY_PREVIEW_CHARS + 1
    const path = this.#intern(entry.path)
    const requestBody = entry.requestBody === null ? null : this.#intern(entry.requestBody)
    const responseBody = entry.responseBody === null ? null : this.#intern(entry.responseBody)
    const full: JournalEntry = {
      id: this.#nextId++,
      ...entry,
      // Filled in when first read (see `#read`), from the search text kept in its slot.
      query: (lazy ? undefined : parsedQuery(query)) as JournalEntry['query'],
      path: path.text,
      requestBody: requestBody?.text ?? null,
      responseBody: responseBody?.text ?? null,
    }
    if (this.#size === this.limit) this.#dropOldest()
    const search = lazy ? this.#intern(query).text : undefined
    const bytes =
      ENTRY_OVERHEAD +
      path.bytes +
      (requestBody?.bytes ?? 0) +
      (responseBody?.bytes ?? 0) +
      (search === undefined ? queryBytes(full.query) : searchBytes(search)) +
      queryBytes(full.requestHeaders) +
      queryBytes(full.responseHeaders) +
      violationBytes(full.violations)
    this.#entries[this.#next] = full
    this.#searches[this.#next] = search
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

  /** The entry in a slot, its query parsed now if it was kept as search text. */
  #read(slot: number): JournalEntry | undefined {
    const entry = this.#entries[slot]
    const search = this.#searches[slot]
    if (entry && search !== undefined) {
      entry.query = parsedQuery(search)
      this.#searches[slot] = undefined
    }
    return entry
  }

  /** The kept copy of an equal text and its bytes (kept from now on, the oldest kept forgotten). */
  #intern(text: string): Interned {
    const known = this.#texts.get(text)
    if (known !== undefined) return known
    const interned = { text, bytes: textBytes(text) }
    this.#texts.set(text, interned)
    // A Map iterates in insertion order: its first key is the oldest.
    if (this.#texts.size > INTERNED_TEXTS)
      this.#texts.delete(this.#texts.keys().next().value as string)
    return interned
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
    this.#searches[at] = undefined
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
    this.#searches.fill(undefined)
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

/** A text a journal keeps once, and the bytes it counts for it. */
interface Interned {
  text: string
  bytes: number
}

/** Distinct texts a journal remembers for sharing: at most this many previews (512 KB). */
const INTERNED_TEXTS = 256
