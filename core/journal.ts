import { compileGlob } from './glob.ts'

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

/** Filters for {@link Journal.find}; all optional, all must hold. */
export interface JournalQuery {
  /** Operation id glob, e.g. `snowflake.*`. */
  operation?: string
  vendor?: string
  method?: string
  status?: number
  /** Only entries with an id above this one (for polling). */
  afterId?: number
  /** The newest N matching entries. */
  limit?: number
}

export const BODY_PREVIEW_CHARS = 2048
export const DEFAULT_JOURNAL_LIMIT = 10_000

/** A bounded, per-session request log (ring buffer); reports how many entries it dropped. */
export class Journal {
  readonly #entries: Array<JournalEntry | undefined>
  #next = 0
  #size = 0
  #nextId = 1
  #dropped = 0
  #listeners = new Set<(entry: JournalEntry) => void>()

  constructor(readonly limit = DEFAULT_JOURNAL_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('journal limit must be a positive integer')
    this.#entries = new Array(limit)
  }

  /** Appends an entry, dropping the oldest when full. */
  record(entry: Omit<JournalEntry, 'id'>): JournalEntry {
    const full: JournalEntry = { id: this.#nextId++, ...entry }
    if (this.#size === this.limit) this.#dropped++
    else this.#size++
    this.#entries[this.#next] = full
    this.#next = (this.#next + 1) % this.limit
    for (const listener of this.#listeners) listener(full)
    return full
  }

  /** Entries matching the query, oldest first. */
  find(query: JournalQuery = {}): JournalEntry[] {
    const operation = query.operation ? compileGlob(query.operation) : undefined
    const method = query.method?.toUpperCase()
    const matches: JournalEntry[] = []
    for (const entry of this.entries()) {
      if (operation && !operation.test(entry.operation)) continue
      if (query.vendor && entry.vendor !== query.vendor) continue
      if (method && entry.method !== method) continue
      if (query.status !== undefined && entry.status !== query.status) continue
      if (query.afterId !== undefined && entry.id <= query.afterId) continue
      matches.push(entry)
    }
    return query.limit !== undefined ? matches.slice(-query.limit) : matches
  }

  /** All retained entries, oldest first. */
  *entries(): Generator<JournalEntry> {
    const start = this.#size === this.limit ? this.#next : 0
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#entries[(start + i) % this.limit]
      if (entry) yield entry
    }
  }

  get size(): number {
    return this.#size
  }

  /** How many entries were pushed out by the cap since the last clear. */
  get dropped(): number {
    return this.#dropped
  }

  clear(): void {
    this.#entries.fill(undefined)
    this.#next = 0
    this.#size = 0
    this.#dropped = 0
  }

  /** Calls `listener` for every new entry; returns the unsubscribe function. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
