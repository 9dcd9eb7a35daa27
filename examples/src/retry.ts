/** Settings of {@link fetchWithRetry}; every one has a default. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  maxAttempts?: number
  /** Backoff base: attempt n waits up to `baseMs * 2^n` (default 250). */
  baseMs?: number
  /** Backoff cap before Retry-After is considered (default 8000). */
  capMs?: number
  /** A Retry-After longer than this is not waited for: the response is returned (default 60000). */
  maxRetryAfterMs?: number
  /** Statuses worth retrying (default 429 and 503). */
  retryOn?: readonly number[]
  /** Called before each wait, e.g. to show the retry in the UI. */
  onRetry?: (event: RetryEvent) => void
  /** Called when a retried request gets an answer it keeps (not called without a retry). */
  onRecovered?: (event: RecoveredEvent) => void
  /** A number in [0, 1) (default `Math.random`); injectable for tests. */
  random?: () => number
  /** Waits `ms` or until `signal` aborts (default `setTimeout`); injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** The current time in ms, for HTTP-date Retry-After values (default `Date.now`). */
  now?: () => number
  /** The `fetch` to call (default the global one). */
  fetch?: typeof fetch
}

/** One retry about to happen. */
export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number
  /** The status that failed, or 0 for a network error. */
  status: number
  /** The Retry-After the server sent, in ms, if any. */
  retryAfterMs: number | undefined
  /** How long the client waits before the next attempt. */
  delayMs: number
  method: string
  url: string
}

/** A retried request that got an answer the client keeps. */
export interface RecoveredEvent {
  /** The attempt that got it, from 2. */
  attempt: number
  status: number
  method: string
  url: string
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/**
 * `fetch` that retries 429 and 503 (and network errors of idempotent requests) with exponential
 * backoff and full jitter: before attempt n+1 it waits a random time in [0, min(cap, base·2ⁿ)),
 * but never less than the server's `Retry-After`. Gives up after `maxAttempts` and returns the
 * last response, or when `Retry-After` asks for longer than `maxRetryAfterMs`.
 */
export async function fetchWithRetry(
  input: string | URL,
  init: RequestInit = {},
  options: RetryOptions = {},
): Promise<Response> {
  const {
    maxAttempts = 5,
    retryOn = [429, 503],
    maxRetryAfterMs = 60_000,
    onRetry,
    onRecovered,
    sleep = defaultSleep,
    now = Date.now,
    fetch: doFetch = globalThis.fetch,
  } = options
  const method = (init.method ?? 'GET').toUpperCase()
  const url = String(input)
  for (let attempt = 1; ; attempt++) {
    let response: Response | undefined
    try {
      response = await doFetch(input, init)
    } catch (error) {
      // A dropped connection of a non-idempotent request may have been applied: do not repeat it.
      if (init.signal?.aborted || !IDEMPOTENT.has(method) || attempt >= maxAttempts) throw error
    }
    if (response && !retryOn.includes(response.status) && attempt > 1) {
      onRecovered?.({ attempt, status: response.status, method, url })
    }
    if (response && (!retryOn.includes(response.status) || attempt >= maxAttempts)) return response
    const retryAfterMs = response
      ? parseRetryAfter(response.headers.get('Retry-After'), now())
      : undefined
    if (response && retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return response
    const delayMs = backoffDelay(attempt - 1, retryAfterMs, options)
    onRetry?.({ attempt, status: response?.status ?? 0, retryAfterMs, delayMs, method, url })
    // Free the connection of the failed attempt before waiting.
    await response?.body?.cancel().catch(() => {})
    await sleep(delayMs, init.signal ?? undefined)
    if (init.signal?.aborted) throw init.signal.reason
  }
}

/**
 * Full jitter: a random wait in [0, min(capMs, baseMs · 2^retry)), raised to the server's
 * Retry-After when that is longer.
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  { baseMs = 250, capMs = 8000, random = Math.random }: RetryOptions = {},
): number {
  const jitter = Math.floor(random() * Math.min(capMs, baseMs * 2 ** retry))
  return Math.max(jitter, retryAfterMs ?? 0)
}

/** A Retry-After header in ms: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // An HTTP date always names a day or month; bare numbers like "-1" are not dates here.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
