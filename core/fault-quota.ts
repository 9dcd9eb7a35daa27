import type { FaultRule, QuotaUsage } from './fault-rule.ts'

/**
 * A quota rule's counts: windows are `perMs` long from `anchor` (when the rule was added, on the
 * session clock); `counts` holds the requests seen in window number `window`, per key.
 */
export interface QuotaCounter {
  anchor: number
  window: number
  counts: Map<string, number>
}

/** What a quota rule that throttled a request reports. */
export interface QuotaHit {
  limit: number
  perMs: number
  by: 'session' | 'principal' | 'operation'
  /** Seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfter: number
}

/** A fresh counter for a rule added at `now`. */
export function newQuotaCounter(now: number): QuotaCounter {
  return { anchor: now, window: 0, counts: new Map() }
}

/**
 * Counts a request against the rule's quota under `key` (the session's '', the caller or the
 * operation, as `quota.by` says): null while it is within `limit` for its window (the rule does
 * not fire), else the hit; undefined without a quota.
 */
export function countQuota(
  rule: FaultRule,
  counter: QuotaCounter | undefined,
  key: string,
  now: number,
): QuotaHit | null | undefined {
  const { quota } = rule
  if (!quota || !counter) return undefined
  const window = Math.floor((now - counter.anchor) / quota.perMs)
  if (window !== counter.window) {
    counter.window = window
    counter.counts.clear()
  }
  const count = (counter.counts.get(key) ?? 0) + 1
  counter.counts.set(key, count)
  if (count <= quota.limit) return null
  const ends = counter.anchor + (window + 1) * quota.perMs
  return {
    limit: quota.limit,
    perMs: quota.perMs,
    by: quota.by,
    retryAfter: Math.max(1, Math.ceil((ends - now) / 1000)),
  }
}

/**
 * The counts of the window `now` falls in, as a stored rule shows them (so a saved state carries
 * on mid-window); undefined while that window has seen no request.
 */
export function quotaUsage(
  rule: FaultRule,
  counter: QuotaCounter,
  now: number,
): QuotaUsage | undefined {
  if (!rule.quota) return undefined
  const window = Math.floor((now - counter.anchor) / rule.quota.perMs)
  if (window !== counter.window || counter.counts.size === 0) return undefined
  return {
    windowStart: new Date(counter.anchor + window * rule.quota.perMs).toISOString(),
    counts: Object.fromEntries(counter.counts),
  }
}

/** Sets a counter from a saved {@link QuotaUsage}: its window starts the count again. */
export function restoreQuota(counter: QuotaCounter, usage: QuotaUsage): void {
  const start = Date.parse(usage.windowStart)
  if (!Number.isFinite(start)) return
  counter.anchor = start
  counter.window = 0
  counter.counts = new Map(
    Object.entries(usage.counts).filter(([, n]) => Number.isInteger(n) && n >= 0),
  )
}
