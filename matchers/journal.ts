/**
 * The journal matchers, free of any test runner: `image-registry-mock/matchers` registers them
 * with vitest's `expect`, `image-registry-mock/playwright` with Playwright's.
 */

import type { JournalEntry, JournalQuery } from '../core/journal.ts'
import type { Backoff, RetryChain, RetryReport } from '../core/retries.ts'
import type { JournalOperationPattern } from '../handlers/operation-ids.ts'

/** How many matching requests are expected; without any of these, at least one. */
export interface ReceivedCount {
  /** Exactly this many. */
  times?: number
  /** At least this many. */
  atLeast?: number
  /** At most this many. */
  atMost?: number
}

/**
 * What a received request should look like. Every field is optional and all given ones must hold.
 * Objects match as subsets (like `toMatchObject`); arrays, strings and numbers match exactly;
 * asymmetric matchers (`expect.any(String)`, `expect.stringMatching(…)`) work anywhere.
 */
export interface ExpectedRequest {
  method?: string
  /** The exact path, a RegExp, or an asymmetric matcher. */
  path?: unknown
  /** Query parameters as the journal records them: a string, or an array when repeated. */
  query?: Record<string, unknown>
  /**
   * The request body: a string compares the raw text; anything else compares the body parsed as
   * JSON. @note The journal keeps the first 2 KB of a body, so larger bodies only match as text.
   */
  body?: unknown
  /** The status the mock answered with (0 when it dropped the connection). */
  status?: unknown
  /** The id of the fault rule that fired, or `null` for none. */
  fault?: unknown
  /** The network fault that replaced or cut the answer (`reset`, `truncate`, …), or `null`. */
  network?: JournalEntry['network']
  session?: string
  requestId?: unknown
}

/** Anything with a request journal: a mock from `createMock()`, or `mock.session(name)`. */
export interface JournalOwner {
  journal: { find(query?: JournalQuery): JournalEntry[] }
}

/** Anything with retry chains: a mock from `createMock()`, or `mock.session(name)`. */
export interface RetryOwner {
  retries(options?: { operation?: string }): RetryReport
}

/** What a retry chain should show; all given ones must hold for one chain. */
export interface ExpectedRetry {
  /** Retries (attempts after the first), exactly. Without it, at least one. */
  times?: number
  /** `true`: every wait was at least the `Retry-After` before it (and one was given). */
  honouringRetryAfter?: boolean
  backoff?: Backoff
}

/** The matchers as an assertion library declares them, `R` being its result type. */
export interface ImageRegistryMatchers<R = unknown> {
  /**
   * Passes when the journal holds requests for `operation` (an id or a glob such as
   * `snowflake.*`). Throws when `operation` matches no operation the mock serves.
   */
  toHaveReceived(operation: JournalOperationPattern, count?: ReceivedCount): R
  /** Passes when the journal holds requests for `operation` that look like `expected`. */
  toHaveReceivedWith(
    operation: JournalOperationPattern,
    expected: ExpectedRequest,
    count?: ReceivedCount,
  ): R
  /**
   * Passes when a retry chain of `operation` (see `GET /__mock/retries`) shows `expected`; the
   * failure message lists the chains: attempts, statuses, waits against `Retry-After`.
   */
  toHaveRetried(operation: JournalOperationPattern, expected?: ExpectedRetry): R
  /**
   * Passes when no write was sent again after an attempt whose change was stored (a chain's
   * `duplicateWrite`), for `operation` or every operation.
   */
  toHaveNoDuplicateWrites(operation?: JournalOperationPattern): R
}

/**
 * What an `expect` hands a matcher as `this` (the parts used here): vitest's and Playwright's
 * (both built on Jest's `expect`) have them.
 */
export interface MatcherContext {
  isNot: boolean
  equals(a: unknown, b: unknown): boolean
  utils: {
    stringify(value: unknown, maxDepth?: number, options?: { min?: boolean }): string
    printExpected(value: unknown): string
    printReceived(value: unknown): string
  }
}

const LISTED = 10

/** The matchers, for `expect.extend(imageRegistryMatchers)` of vitest or Playwright. */
export const imageRegistryMatchers = {
  toHaveReceived(
    this: MatcherContext,
    received: unknown,
    operation: string,
    count?: ReceivedCount,
  ) {
    const entries = journalOf(received, 'toHaveReceived').find({
      operation: checkOperation(operation),
    })
    const wanted = describeCount(count)
    const pass = countHolds(entries.length, count)
    return {
      pass,
      message: () => {
        const lines = [
          `expected the mock ${this.isNot ? 'not ' : ''}to have received ${operation} ${wanted}, but it received it ${plural(entries.length)}`,
        ]
        if (entries.length > 0) lines.push(...listEntries(entries))
        else lines.push(...otherRequests(received))
        return lines.join('\n')
      },
      actual: entries.length,
      expected: wanted,
    }
  },

  toHaveReceivedWith(
    this: MatcherContext,
    received: unknown,
    operation: string,
    expected: ExpectedRequest,
    count?: ReceivedCount,
  ) {
    if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
      throw new TypeError(
        'toHaveReceivedWith(operation, expected): expected must be an object such as { body: {…}, status: 200 }',
      )
    }
    const candidates = journalOf(received, 'toHaveReceivedWith').find({
      operation: checkOperation(operation),
    })
    const matching = candidates.filter((entry) => entryMatches(this, entry, expected))
    const wanted = describeCount(count)
    const pass = countHolds(matching.length, count)
    return {
      pass,
      message: () => {
        const lines = [
          `expected the mock ${this.isNot ? 'not ' : ''}to have received ${operation} ${wanted} with ${this.utils.stringify(expected, undefined, { min: true })}, but ${matching.length} of ${plural(candidates.length, 'request')} to it matched`,
        ]
        const shown = this.isNot ? matching : candidates
        if (shown.length > 0) {
          lines.push(this.isNot ? 'Matching requests:' : 'Requests received:')
          lines.push(...shown.slice(-LISTED).map((entry) => `  ${describeEntry(entry, true)}`))
        } else {
          lines.push(...otherRequests(received))
        }
        return lines.join('\n')
      },
    }
  },

  toHaveRetried(
    this: MatcherContext,
    received: unknown,
    operation: string,
    expected: ExpectedRetry = {},
  ) {
    const { chains } = retriesOf(
      received,
      'toHaveRetried',
    )({
      operation: checkOperation(operation),
    })
    const matching = chains.filter((chain) => chainShows(chain, expected))
    const wanted = [
      expected.times === undefined ? 'at least once' : plural(expected.times),
      ...(expected.honouringRetryAfter === undefined
        ? []
        : [`${expected.honouringRetryAfter ? '' : 'not '}honouring Retry-After`]),
      ...(expected.backoff === undefined ? [] : [`with ${expected.backoff} backoff`]),
    ].join(', ')
    return {
      pass: matching.length > 0,
      message: () => {
        const shown = this.isNot ? matching : chains
        return [
          `expected the client ${this.isNot ? 'not ' : ''}to have retried ${operation} ${wanted}, but ${matching.length} of ${plural(chains.length, 'retry chain')} showed it`,
          ...(shown.length > 0
            ? [this.isNot ? 'Matching chains:' : 'Chains:']
            : ['No request to it was retried.']),
          ...shown.slice(-LISTED).map((chain) => `  ${describeChain(chain)}`),
        ].join('\n')
      },
    }
  },

  toHaveNoDuplicateWrites(this: MatcherContext, received: unknown, operation?: string) {
    const { chains } = retriesOf(
      received,
      'toHaveNoDuplicateWrites',
    )(operation === undefined ? {} : { operation: checkOperation(operation) })
    const duplicates = chains.filter((chain) => chain.duplicateWrite)
    return {
      pass: duplicates.length === 0,
      message: () =>
        [
          `expected ${this.isNot ? 'a' : 'no'} write${operation ? ` to ${operation}` : ''} to have been sent again after its change was stored, but ${plural(duplicates.length, 'chain')} did`,
          ...duplicates.slice(-LISTED).map((chain) => `  ${describeChain(chain)}`),
        ].join('\n'),
    }
  },
}

function retriesOf(received: unknown, matcher: string): RetryOwner['retries'] {
  const owner = received as Partial<RetryOwner> | null
  if (typeof owner?.retries !== 'function') {
    throw new TypeError(
      `${matcher}() needs a mock from createMock() or mock.session(name); got ${describeValue(received)}`,
    )
  }
  return owner.retries
}

/** What a chain must show for {@link ImageRegistryMatchers.toHaveRetried}. */
function chainShows(chain: RetryChain, expected: ExpectedRetry): boolean {
  const retries = chain.attempts.length - 1
  if (expected.times !== undefined ? retries !== expected.times : retries < 1) return false
  if (
    expected.honouringRetryAfter !== undefined &&
    (chain.honouredRetryAfter === true) !== expected.honouringRetryAfter
  )
    return false
  return expected.backoff === undefined || chain.backoff === expected.backoff
}

/** A chain in one line: `#3 503 (Retry-After 1000 ms) → waited 1004 ms → #4 200`, then its verdicts. */
export function describeChain(chain: RetryChain): string {
  const steps = chain.attempts.map((attempt, i) => {
    const answer = attempt.network ? `${attempt.network}` : String(attempt.status)
    const after = attempt.retryAfterMs === null ? '' : ` (Retry-After ${attempt.retryAfterMs} ms)`
    const wait = i === 0 ? '' : `waited ${attempt.waitedMs} ms → `
    return `${wait}#${attempt.journalId} ${answer}${after}`
  })
  const verdict = [
    `${chain.attempts.length - 1} ${chain.attempts.length === 2 ? 'retry' : 'retries'}`,
    `backoff ${chain.backoff}${chain.jitter ? ' with jitter' : ''}`,
    `Retry-After ${chain.honouredRetryAfter === null ? 'not given' : chain.honouredRetryAfter ? 'honoured' : 'not honoured'}`,
    chain.outcome,
    ...(chain.duplicateWrite ? ['duplicate write'] : []),
  ]
  return `${chain.method} ${chain.path}: ${steps.join(' → ')} [${verdict.join(', ')}]`
}

function journalOf(received: unknown, matcher: string): JournalOwner['journal'] {
  const journal = (received as Partial<JournalOwner> | null)?.journal
  if (typeof journal?.find !== 'function') {
    throw new TypeError(
      `${matcher}() needs a mock from createMock() or mock.session(name); got ${describeValue(received)}`,
    )
  }
  return journal
}

function checkOperation(operation: unknown): string {
  if (typeof operation !== 'string' || operation === '') {
    throw new TypeError(
      `the operation must be an id or glob such as 'snowflake.createImageRepository' or 'cycle.*'; got ${describeValue(operation)}`,
    )
  }
  return operation
}

function countHolds(n: number, count: ReceivedCount = {}): boolean {
  for (const [key, value] of Object.entries(count)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new TypeError(`${key} must be a whole number ≥ 0; got ${describeValue(value)}`)
    }
  }
  const { times, atLeast, atMost } = count
  if (times === undefined && atLeast === undefined && atMost === undefined) return n >= 1
  return (
    (times === undefined || n === times) &&
    (atLeast === undefined || n >= atLeast) &&
    (atMost === undefined || n <= atMost)
  )
}

function describeCount(count: ReceivedCount = {}): string {
  const parts: string[] = []
  if (count.times !== undefined) parts.push(`exactly ${plural(count.times)}`)
  if (count.atLeast !== undefined) parts.push(`at least ${plural(count.atLeast)}`)
  if (count.atMost !== undefined) parts.push(`at most ${plural(count.atMost)}`)
  return parts.length > 0 ? parts.join(' and ') : 'at least once'
}

function plural(n: number, word = 'time'): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function entryMatches(
  ctx: MatcherContext,
  entry: JournalEntry,
  expected: ExpectedRequest,
): boolean {
  if (expected.method !== undefined && entry.method !== expected.method.toUpperCase()) return false
  if (expected.path !== undefined) {
    const ok =
      expected.path instanceof RegExp
        ? expected.path.test(entry.path)
        : ctx.equals(entry.path, expected.path)
    if (!ok) return false
  }
  for (const key of ['status', 'fault', 'network', 'session', 'requestId'] as const) {
    if (expected[key] !== undefined && !ctx.equals(entry[key], expected[key])) return false
  }
  if (expected.query !== undefined && !subsetMatches(ctx, entry.query, expected.query)) return false
  if (expected.body !== undefined) {
    if (typeof expected.body === 'string' || entry.requestBody === null) {
      return ctx.equals(entry.requestBody, expected.body)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(entry.requestBody)
    } catch {
      return false
    }
    return subsetMatches(ctx, parsed, expected.body)
  }
  return true
}

/** Objects match as subsets, recursively; everything else (asymmetric matchers too) by `equals`. */
function subsetMatches(ctx: MatcherContext, actual: unknown, expected: unknown): boolean {
  if (isPlainObject(expected) && !isAsymmetric(expected)) {
    if (!isPlainObject(actual)) return false
    return Object.entries(expected).every(
      ([key, value]) => Object.hasOwn(actual, key) && subsetMatches(ctx, actual[key], value),
    )
  }
  return ctx.equals(actual, expected)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isAsymmetric(value: object): boolean {
  return typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function'
}

function listEntries(entries: JournalEntry[]): string[] {
  const lines = entries.slice(-LISTED).map((entry) => `  ${describeEntry(entry, false)}`)
  if (entries.length > LISTED) lines.unshift(`  … ${entries.length - LISTED} earlier not shown`)
  return lines
}

/** What else the mock saw, so a misspelt operation id is easy to spot. */
function otherRequests(received: unknown): string[] {
  const all = (received as JournalOwner).journal.find({ limit: LISTED })
  if (all.length === 0) return ['The journal is empty: the mock received no API requests.']
  return ['Latest requests it did receive:', ...all.map((e) => `  ${describeEntry(e, false)}`)]
}

function describeEntry(entry: JournalEntry, details: boolean): string {
  const outcome = entry.network ? `network ${entry.network}` : String(entry.status)
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(entry.query)) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v)
  }
  const search = query.size > 0 ? `?${query}` : ''
  let line = `#${entry.id} ${entry.operation} ${entry.method} ${entry.path}${search} → ${outcome}`
  if (entry.fault) line += ` (fault ${entry.fault})`
  if (details && entry.requestBody !== null) {
    const body =
      entry.requestBody.length > 200 ? `${entry.requestBody.slice(0, 200)}…` : entry.requestBody
    line += ` body ${body}`
  }
  return line
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'object') return value.constructor?.name ?? 'object'
  return `${typeof value} ${JSON.stringify(value)}`
}
