import type { JournalEntry } from './journal.ts'

/** One attempt of a retry chain, from its journal entry. */
export interface RetryAttempt {
  journalId: number
  /** Wall-clock arrival, ISO-8601 with ms (the entry's `receivedAt`). */
  receivedAt: string
  /** 0 when no answer was sent (a network fault). */
  status: number
  /** The network fault that replaced the answer (`reset`, `timeout`, …), else null. */
  network: string | null
  /** The fault rule that decided the answer, else null. */
  fault: string | null
  /** The `Retry-After` this attempt's answer gave, ms (seconds or an HTTP date); else null. */
  retryAfterMs: number | null
  /** Wall time from the previous attempt's answer to this attempt, ms; null for the first. */
  waitedMs: number | null
}

/** How a chain's waits grow: none, the same, by a constant step, by a constant factor ≥ 1.5. */
export type Backoff = 'none' | 'constant' | 'linear' | 'exponential'

/**
 * How a chain ended: its last attempt succeeded, failed with an error not worth retrying, or
 * failed and no retry came within the window; `pending` while the window is still open.
 */
export type RetryOutcome = 'succeeded' | 'failed' | 'gave-up' | 'pending'

/** The attempts of one logical request (see {@link retryChains}). */
export interface RetryChain {
  session: string
  operation: string
  method: string
  path: string
  attempts: RetryAttempt[]
  /**
   * Every wait at least the `Retry-After` before it (10 ms spared for timer granularity); null
   * when no failed attempt before a retry gave `Retry-After`.
   */
  honouredRetryAfter: boolean | null
  backoff: Backoff
  /** A wait off the fitted progression by more than 5 %. Needs three waits to show. */
  jitter: boolean
  outcome: RetryOutcome
  /** A write sent again after an attempt whose change was stored (`committed` in the journal). */
  duplicateWrite: boolean
}

/**
 * The retry chains of a journal, oldest first: what `GET /__mock/retries` answers and
 * `mock.retries()` returns, the same shape both ways.
 */
export interface RetryReport {
  chains: RetryChain[]
}

export interface RetryOptions {
  /**
   * How long after a failed answer (plus its `Retry-After`) a same request still counts as its
   * retry, ms; default {@link DEFAULT_RETRY_WINDOW_MS}.
   */
  windowMs?: number
  /** The wall clock now, ms since the epoch (decides `gave-up` against `pending`). */
  now?: number
}

export const DEFAULT_RETRY_WINDOW_MS = 30_000

/** Waits under this long are no wait: the time a request takes to leave after the answer. */
const NO_WAIT_MS = 100
/** Spared from a `Retry-After` when judging a wait: timer and ms-rounding granularity. */
const RETRY_AFTER_SLACK_MS = 10
/** A progression's factor from this up is exponential. */
const EXPONENTIAL_FACTOR = 1.5
/** A wait further than this share from its fitted value is jitter. */
const JITTER = 0.05

/**
 * Answers a client may retry: 408, 425, 429, every 5xx, and no answer at all (a network fault,
 * `status` 0). RFC 9110 §15.5.9 / §15.6, RFC 8470 (425), RFC 6585 (429).
 */
export function isRetryable(entry: Pick<JournalEntry, 'status' | 'network'>): boolean {
  const { status } = entry
  return (
    entry.network !== null ||
    status === 0 ||
    status === 408 ||
    status === 425 ||
    status === 429 ||
    status >= 500
  )
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Spared when judging that an attempt came after an answer: both instants are ms-rounded. */
const ORDER_SLACK_MS = 2
/**
 * Unfinished chains of one kind (same session, operation, method, path, query and body) told
 * apart at once; past this many requests in flight together, the oldest is no longer continued.
 * Keeps the linking linear in the journal's size.
 */
const MAX_OPEN_CHAINS = 64

/**
 * Links the attempts of one logical request: entries of the same session, operation, method,
 * path, query and body (as the journal keeps them), each sent after a retryable failure of the
 * one before ({@link isRetryable}) had been answered (or its connection dropped, for a network
 * fault), and within `windowMs` (plus that answer's `Retry-After`) of it. Requests in flight
 * together are never one chain: a client cannot retry an attempt before its answer. When several
 * failed attempts could be the one retried, the one answered first is: clients that wait alike
 * retry in the order their answers came. A single
 * request is not a chain. Entries in journal order (the order answers completed); linear in
 * their number.
 */
export function retryChains(
  entries: Iterable<JournalEntry>,
  options: RetryOptions = {},
): RetryChain[] {
  const windowMs = options.windowMs ?? DEFAULT_RETRY_WINDOW_MS
  const now = options.now ?? Date.now()
  /** Per kind, the chains whose last attempt failed retryably, in the order it was answered. */
  const open = new Map<string, JournalEntry[][]>()
  const runs: JournalEntry[][] = []
  for (const entry of entries) {
    const key = JSON.stringify([
      entry.session,
      entry.operation,
      entry.method,
      entry.path,
      entry.query,
      entry.requestBody,
    ])
    const candidates = open.get(key) ?? []
    const at = arrival(entry)
    let best = -1
    for (let i = 0; i < candidates.length && best < 0; i++) {
      const last = (candidates[i] as JournalEntry[]).at(-1) as JournalEntry
      const sent = answered(last)
      if (sent - ORDER_SLACK_MS <= at && at - sent <= reach(last)) best = i
    }
    let run: JournalEntry[]
    if (best >= 0) {
      run = candidates[best] as JournalEntry[]
      candidates.splice(best, 1)
      run.push(entry)
    } else {
      run = [entry]
      runs.push(run)
    }
    if (isRetryable(entry)) {
      candidates.push(run)
      if (candidates.length > MAX_OPEN_CHAINS) candidates.shift()
      open.set(key, candidates)
    }
  }
  function reach(entry: JournalEntry): number {
    return windowMs + (retryAfterMs(entry) ?? 0)
  }
  return runs
    .filter((run) => run.length > 1)
    .sort((a, b) => (a[0] as JournalEntry).id - (b[0] as JournalEntry).id)
    .map((run) => chainOf(run, now, reach))
}

function chainOf(
  run: JournalEntry[],
  now: number,
  reach: (entry: JournalEntry) => number,
): RetryChain {
  const first = run[0] as JournalEntry
  const last = run.at(-1) as JournalEntry
  const attempts = run.map((entry, i): RetryAttempt => {
    const previous = run[i - 1]
    return {
      journalId: entry.id,
      receivedAt: entry.receivedAt,
      status: entry.status,
      network: entry.network,
      fault: entry.fault,
      retryAfterMs: retryAfterMs(entry),
      waitedMs: previous ? Math.max(0, Math.round(arrival(entry) - answered(previous))) : null,
    }
  })
  const waits = attempts.slice(1).map((a) => a.waitedMs as number)
  let honoured: boolean | null = null
  for (let i = 1; i < attempts.length; i++) {
    const before = (attempts[i - 1] as RetryAttempt).retryAfterMs
    if (before === null) continue
    const ok = ((attempts[i] as RetryAttempt).waitedMs as number) >= before - RETRY_AFTER_SLACK_MS
    honoured = (honoured ?? true) && ok
  }
  const { backoff, jitter } = progression(waits)
  const outcome: RetryOutcome = !isRetryable(last)
    ? last.status < 400
      ? 'succeeded'
      : 'failed'
    : now - answered(last) > reach(last)
      ? 'gave-up'
      : 'pending'
  const duplicateWrite =
    !READS.has(first.method) && run.slice(0, -1).some((entry) => committed(entry))
  return {
    session: first.session,
    operation: first.operation,
    method: first.method,
    path: first.path,
    attempts,
    honouredRetryAfter: honoured,
    backoff,
    jitter,
    outcome,
    duplicateWrite,
  }
}

/** The change of this attempt was stored though its answer was lost (an `afterCommit` fault). */
function committed(entry: JournalEntry): boolean {
  return (entry as { committed?: boolean }).committed === true
}

function arrival(entry: JournalEntry): number {
  return Date.parse(entry.receivedAt)
}

/** When the answer left (or the connection dropped): arrival plus the time the mock took. */
function answered(entry: JournalEntry): number {
  return arrival(entry) + entry.durationMs
}

/**
 * The `Retry-After` of an entry's answer in ms: delay-seconds, or an HTTP-date measured from the
 * answer (RFC 9110 §10.2.3); null when absent or unreadable.
 */
export function retryAfterMs(entry: JournalEntry): number | null {
  const value = entry.responseHeaders?.['retry-after']?.trim()
  if (!value) return null
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - answered(entry))
}

/**
 * Fits the waits: `none` when none is a real wait; else the best of three least-squares fits by
 * their relative error: `exponential` (a fit of the logarithms growing by a factor ≥ 1.5 a step),
 * `linear` (a straight fit growing by more than 5 % of the mean a step), `constant` when neither
 * grows. `jitter`: a wait more than 5 % off the chosen fit.
 */
export function progression(waits: readonly number[]): { backoff: Backoff; jitter: boolean } {
  if (waits.length === 0 || waits.every((w) => w < NO_WAIT_MS))
    return { backoff: 'none', jitter: false }
  const xs = waits.map((_, i) => i)
  const exp = fitLine(
    xs,
    waits.map((w) => Math.log(Math.max(w, 1))),
  )
  const line = fitLine(xs, waits)
  const mean = waits.reduce((a, b) => a + b, 0) / waits.length
  const fits: Array<{ backoff: Backoff; at: (i: number) => number }> = []
  if (waits.length > 1 && Math.exp(exp.slope) >= EXPONENTIAL_FACTOR)
    fits.push({ backoff: 'exponential', at: (i) => Math.exp(exp.intercept + exp.slope * i) })
  if (waits.length > 1 && line.slope > JITTER * mean)
    fits.push({ backoff: 'linear', at: (i) => line.intercept + line.slope * i })
  if (fits.length === 0) fits.push({ backoff: 'constant', at: () => mean })
  // Ties (two waits fit both exactly) go to the first: exponential.
  let best = fits[0] as (typeof fits)[number]
  for (const fit of fits.slice(1))
    if (error(waits, fit.at) < error(waits, best.at) - 1e-9) best = fit
  return {
    backoff: best.backoff,
    jitter: waits.some((w, i) => Math.abs(w - best.at(i)) > JITTER * Math.abs(best.at(i))),
  }
}

/** Sum of squared relative distances of the waits from a fit. */
function error(waits: readonly number[], at: (i: number) => number): number {
  let sum = 0
  for (let i = 0; i < waits.length; i++) sum += ((waits[i] as number) / Math.max(at(i), 1) - 1) ** 2
  return sum
}

/** Least squares of y on x. */
function fitLine(
  xs: readonly number[],
  ys: readonly number[],
): { slope: number; intercept: number } {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my)
    sxx += ((xs[i] as number) - mx) ** 2
  }
  const slope = sxx === 0 ? 0 : sxy / sxx
  return { slope, intercept: my - slope * mx }
}
