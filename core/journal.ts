import { compileGlob } from './glob.ts'
import { jsonTextOf } from './json-response.ts'
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
  /** `reset` / `timeout` when the mock dropped the connection instead of answering. */
  network: 'reset' | 'timeout' | null
  durationMs: number
  requestId: string
  /** The id of the fault rule that fired, if any. */
  fault: string | null
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

export const BODY_PREVIEW_CHARS = 2048
export const DEFAULT_JOURNAL_LIMIT = 10_000
/**
 * Bytes a session's journal holds at most (paths, queries, body previews; a text outside Latin-1
 * counts two bytes a character, as V8 stores it): the oldest entries go first. 10,000 typical
 * entries take a third of it; entries with the largest paths, queries and bodies (each cut at
 * {@link BODY_PREVIEW_CHARS}) fill it at about 1,700, so a session's journal never holds more
 * than this whatever its callers send.
 */
export const DEFAULT_JOURNAL_BYTES = 32 * 2 ** 20

/**
 * Bytes the journals of all sessions of one mock hold at most together, by default: a hundred
 * sessions at their own bound would hold 3.2 GB, more than a default heap.
 */
export const DEFAULT_JOURNALS_BYTES = 256 * 2 ** 20

/**
 * The bound the journals of all sessions of one mock share. When an entry puts their total over
 * it, the largest journal gives up its oldest entries (each keeps its newest), so a busy session
 * makes room from its own history first and a quiet one keeps its entries.
 */
export class JournalBudget {
  #used = 0
  readonly #journals = new Set<Journal>()

  constructor(readonly maxBytes = DEFAULT_JOURNALS_BYTES) {
    if (!(maxBytes > 0)) throw new RangeError("the journals' byte bound must be positive")
  }

  /** @internal a journal joins when made, leaves when its session goes. */
  join(journal: Journal): void {
    this.#journals.add(journal)
  }

  /** @internal */
  leave(journal: Journal): void {
    this.#journals.delete(journal)
  }

  /** @internal a journal's bytes changed by `delta`. */
  add(delta: number): void {
    this.#used += delta
  }

  /** @internal after a journal grew: while over the bound, the largest journal sheds. */
  settle(): void {
    while (this.#used > this.maxBytes) {
      let largest: Journal | undefined
      for (const journal of this.#journals) {
        if (!largest || journal.bytes > largest.bytes) largest = journal
      }
      if (!largest?.shed()) return
    }
  }
}

/** A response to hand on, and the start of its body for the journal. */
export interface ResponsePreview {
  /** The response to return: the same one, or an equal copy when its body had to be read. */
  response: Response
  /** The body's first {@link BODY_PREVIEW_CHARS} characters; null when it has none. */
  body: string | null
  truncated: boolean
}

/**
 * Reads the start of a response body for the journal without taking it from the client. An
 * answer built by `jsonResponse` (every vendor answer but streamed exports) brings its text. Any
 * other JSON body of known length (a proxied answer) is read whole and the response rebuilt
 * around it, the cheapest way. Any other body may be a stream
 * (an NDJSON export of 10,000 images), so only a clone is read, as far as the preview needs.
 */
export async function previewResponseBody(response: Response): Promise<ResponsePreview> {
  if (!response.body) return { response, body: null, truncated: false }
  const known = jsonTextOf(response)
  if (known !== undefined) return { response, ...cut(known) }
  // A body of known length (every JSON answer) is read whole and handed on; a streamed one (the
  // RHACS export, served as JSON without a length) must keep streaming, so only its start is read.
  if (
    response.headers.has('content-length') &&
    /^application\/json\b/i.test(response.headers.get('content-type') ?? '')
  ) {
    const text = await response.text()
    return { response: new Response(text === '' ? null : text, response), ...cut(text) }
  }
  const reader = response.clone().body?.getReader()
  if (!reader) return { response, body: null, truncated: false }
  const decoder = new TextDecoder()
  let text = ''
  let done = false
  while (!done && text.length <= BODY_PREVIEW_CHARS) {
    const chunk = await reader.read()
    done = chunk.done
    text += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true })
  }
  // Not awaited: cancelling one branch of a tee settles only once the caller's branch ends too.
  if (!done) reader.cancel().catch(() => {})
  return { response, ...cut(text) }
}

function cut(text: string): { body: string | null; truncated: boolean } {
  if (text === '') return { body: null, truncated: false }
  return { body: bodyPreview(text), truncated: text.length > BODY_PREVIEW_CHARS }
}

/**
 * A body's first {@link BODY_PREVIEW_CHARS} characters, as a string of its own. V8's `slice` of a
 * long string is a view that keeps the whole string alive, so a full journal of plain slices
 * would hold 10,000 whole bodies (megabytes each, for a large upload or list) rather than
 * 10,000 previews; `structuredClone` copies the characters.
 */
export function bodyPreview(text: string): string {
  return text.length <= BODY_PREVIEW_CHARS
    ? text
    : structuredClone(text.slice(0, BODY_PREVIEW_CHARS))
}

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
      violationBytes(full)
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
        throw new RangeError(`journal ${key} must be a whole number ≥ 0; got ${value}`)
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

/** The bytes a parsed query holds (see {@link textBytes}). */
function queryBytes(query: JournalEntry['query']): number {
  let bytes = 0
  // Each name and value also costs its slot and string header, however short it is.
  for (const [name, value] of Object.entries(query)) {
    bytes += SLOT_BYTES + textBytes(name)
    for (const v of Array.isArray(value) ? value : [value]) bytes += SLOT_BYTES + textBytes(v)
  }
  return bytes
}

/**
 * What a query kept as search text counts: two slots a parameter, as many as it can hold, and its
 * characters (a URL's search is percent-encoded ASCII, and parsing never lengthens it), twice
 * over when an escape of `%80` or above may decode to a character outside Latin-1 (V8 then keeps
 * the whole value two bytes a character). So the count bounds what {@link queryBytes} gives once
 * the query is parsed.
 */
function searchBytes(search: string): number {
  let parameters = search.length > 1 ? 1 : 0
  for (let at = search.indexOf('&'); at !== -1; at = search.indexOf('&', at + 1)) parameters++
  const perCharacter = HIGH_ESCAPE.test(search) ? 2 : 1
  return perCharacter * search.length + 2 * SLOT_BYTES * parameters
}

/** A percent-escape of a byte ≥ 0x80: part of a UTF-8 sequence, or invalid (decoded as U+FFFD). */
const HIGH_ESCAPE = /%[89a-fA-F]/

function violationBytes(entry: JournalEntry): number {
  let bytes = 0
  for (const violation of entry.violations ?? []) bytes += textBytes(violation.message)
  return bytes
}

/**
 * The bytes a text holds: a byte a character, or two when it holds a character outside Latin-1
 * (V8 then stores the whole string two bytes a character). An entry's fixed fields are
 * {@link ENTRY_OVERHEAD}.
 */
function textBytes(text: string): number {
  return WIDE.test(text) ? 2 * text.length : text.length
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: every Latin-1 character, NUL included
const WIDE = /[^\u0000-\u00ff]/

/**
 * What a query name or value costs beyond its characters: its share of a hash-table entry (with
 * the table's spare room) or array slot, and a string header. Measured: 200 distinct names a
 * query, fully parsed, take up to twice what 24 bytes counted.
 */
const SLOT_BYTES = 48

/** A text a journal keeps once, and the bytes it counts for it. */
interface Interned {
  text: string
  bytes: number
}

/** Distinct texts a journal remembers for sharing: at most this many previews (512 KB). */
const INTERNED_TEXTS = 256

/** About what an entry's object, ids, time, names and counters take. */
const ENTRY_OVERHEAD = 400

/**
 * The query as the journal keeps it: names and values cut at {@link BODY_PREVIEW_CHARS}, and
 * parameters after the first {@link BODY_PREVIEW_CHARS} characters left out, so that an entry
 * stays small whatever URL a caller sends (a URL may be 16 KB).
 */
export function journalQuery(
  query: Record<string, string | string[]>,
): Record<string, string | string[]> {
  // No prototype: a parameter named `__proto__` is data, and V8 keeps such an object as a hash
  // table, so thousands of distinct names cost linear time (not a hidden class each).
  const kept: Record<string, string | string[]> = Object.create(null)
  let chars = 0
  for (const [name, value] of Object.entries(query)) {
    if (chars >= BODY_PREVIEW_CHARS) break
    chars += name.length + 1
    // Values too stop at the bound, each counting one more: 7,000 empty values are not nothing.
    const values: string[] = []
    for (const v of Array.isArray(value) ? value : [value]) {
      if (values.length > 0 && chars >= BODY_PREVIEW_CHARS) break
      values.push(bodyPreview(v))
      chars += v.length + 1
    }
    kept[bodyPreview(name)] = (Array.isArray(value) ? values : values[0]) as string | string[]
  }
  return kept
}
