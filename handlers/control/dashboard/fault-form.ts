import { parseDuration } from '../../../core/duration.ts'
import type { FaultRule, OperationInfo } from './api.ts'
import type { Ui } from './dom.ts'

/**
 * The fault switches' positions, and how the option inputs beside them (Latency, Times, After,
 * Retry-After, When, Window, Bytes, Bytes/s, Quota) turn into the JSON of `POST /__mock/faults`
 * (its schema: core/fault-rule.ts and core/fault-window.ts). Kept apart from the view so the rule
 * a switch makes can be read in one place.
 */

/** The switch positions: value and label (short enough to read whole in a phone's switch). */
const KINDS: ReadonlyArray<readonly [string, string]> = [
  ['off', 'off'],
  ['409', '409 conflict'],
  ['429', '429 throttled'],
  ['503', '503 unavailable'],
  ['502', '502 bad gateway'],
  ['latency', 'latency'],
  ['reset', 'connection reset'],
  ['truncate', 'truncated body'],
  ['garbage', 'garbage reply'],
  ['empty', 'empty reply'],
  ['slow', 'slow body (B/s)'],
  ['quota', 'quota, then 429'],
  ['async', 'async work fails'],
]

/** Statuses a switch can force; each must be one the operation lists. */
const STATUS_KINDS = new Set(['409', '429', '503', '502'])
/** Positions that drop or break the connection: `effect.network` of the same name. */
const NETWORK_KINDS = new Set(['reset', 'truncate', 'garbage', 'empty'])

/**
 * The switch positions `op` offers: a status only where the operation lists it (the control API
 * refuses the rest), 502 only in place of a missing 503, as SWR's gateway answers, and a quota only
 * where the vendor's throttling answer (429) is one the operation lists, and a failing async work
 * only where the operation starts some (`asyncWork`; the control API refuses `effect.async`
 * elsewhere).
 */
export function kindsFor(op: OperationInfo): ReadonlyArray<readonly [string, string]> {
  const can = (kind: string) => op.statuses === undefined || op.statuses.includes(Number(kind))
  return KINDS.filter(([kind]) => {
    if (kind === 'quota') return can('429')
    if (kind === 'async') return op.asyncWork !== undefined
    if (!STATUS_KINDS.has(kind)) return true
    if (kind === '502') return !can('503') && can('502')
    return can(kind)
  })
}

/** The switch position a rule corresponds to, or `other` for effects no switch makes. */
export function kindOf(rule: FaultRule): string {
  const e = rule.effect
  if (rule.quota !== undefined) {
    return e.status === 429 && Object.keys(e).length === 1 ? 'quota' : 'other'
  }
  if (e.network !== undefined) return NETWORK_KINDS.has(e.network) ? e.network : 'other'
  if (e.async === 'fail') return Object.keys(e).length === 1 ? 'async' : 'other'
  if (e.status !== undefined && STATUS_KINDS.has(String(e.status)) && e.body === undefined) {
    return String(e.status)
  }
  if (e.status === undefined && e.bytesPerSecond !== undefined) return 'slow'
  if (e.status === undefined && e.delayMs !== undefined) return 'latency'
  return 'other'
}

/** A rule's kind as the rules table names it: `503`, `latency ~200 ms`, `truncate at 16 B` … */
export function kindLabel(rule: FaultRule): string {
  const e = rule.effect
  const parts: string[] = []
  if (rule.quota !== undefined) parts.push('quota')
  if (e.network === 'truncate') parts.push(`truncate at ${e.bytes} B`)
  else if (e.network !== undefined) parts.push(e.network)
  if (e.status !== undefined) parts.push(String(e.status))
  if (e.bytesPerSecond !== undefined) parts.push(`slow body ${e.bytesPerSecond} B/s`)
  if (e.delayMs !== undefined) {
    const d = e.delayMs
    parts.push(
      typeof d === 'number'
        ? `latency ${d} ms`
        : d.distribution === 'uniform'
          ? `latency ${d.min}–${d.max} ms`
          : `latency ~${d.median} ms (σ ${d.sigma}, ≤ ${d.max})`,
    )
  }
  if (e.async === 'fail') parts.push('async work fails')
  if (e.when === 'afterCommit') parts.push('after commit')
  return parts.join(', ')
}

/** `hh:mm:ss` of an instant, UTC, as the journal's times read. */
function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19)
}

/** Seconds, rounded up, for "in 40 s". */
function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`
}

/**
 * Where a rule's window stands at session-clock time `now` (ms): `open until 10:00:30`,
 * `opens at 10:00:00`, `open 5 s more of every 1m` or `shut, opens in 50 s`; empty without a
 * window. A rule is removed once its `until` has passed, so no state says "ended".
 */
export function windowState(rule: FaultRule, now: number): string {
  const w = rule.window
  if (!w) return ''
  const from = w.from === undefined ? Number.NEGATIVE_INFINITY : Date.parse(w.from)
  const until = w.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(w.until)
  if (now < from) return `window opens at ${clockTime(from)} UTC`
  const every = w.every === undefined ? undefined : parseDuration(w.every)
  const open = w.for === undefined ? undefined : parseDuration(w.for)
  if (every !== undefined && open !== undefined) {
    const phase = (now - from) % every
    return phase < open
      ? `window open ${seconds(open - phase)} more (${w.for} of every ${w.every})`
      : `window shut, opens in ${seconds(every - phase)} (${w.for} of every ${w.every})`
  }
  return Number.isFinite(until) ? `window open until ${clockTime(until)} UTC` : 'window open'
}

/**
 * A rule's quota as the rules table shows it, with its use of the current window at session-clock
 * time `now` (ms), from the stored rule's `quotaUsage` (core/fault-quota.ts): `quota 10 per 60 s
 * by principal: 3/10 used, window ends in 42 s`; requests past the limit count as refused.
 * Counted per principal or per operation, the key that used most is shown. Without `quotaUsage`
 * the current window has seen no request.
 */
export function quotaText(rule: FaultRule, now: number): string {
  const q = rule.quota
  if (!q) return ''
  const per = q.perMs % 1000 === 0 ? `${q.perMs / 1000} s` : `${q.perMs} ms`
  const head = `quota ${q.limit} per ${per} by ${q.by}`
  const usage = rule.quotaUsage
  const start = usage ? Date.parse(usage.windowStart) : Number.NaN
  if (!usage || !Number.isFinite(start) || now >= start + q.perMs)
    return `${head}: 0/${q.limit} used`
  const used = Math.max(0, ...Object.values(usage.counts))
  const keys = Object.keys(usage.counts).length
  const who = q.by === 'session' || keys < 2 ? '' : ` (most by one ${q.by}, ${keys} counted)`
  return `${head}: ${Math.min(used, q.limit)}/${q.limit} used${who}${used > q.limit ? `, ${used - q.limit} refused` : ''}, window ends in ${secondsLeft(start + q.perMs - now)}`
}

/** Time left, `0.4 s` under ten seconds (a quota window can be short), else whole seconds. */
function secondsLeft(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : `${Math.ceil(ms / 1000)} s`
}

/** Reads the switch options form; every `read*` throws, naming the input, on what the API refuses. */
export class FaultForm {
  constructor(private readonly ui: Ui) {}

  /** A whole number from the input `#irm-<id>`; `fallback` when it is empty. */
  #whole(id: string, label: string, min: number, fallback?: number): number | undefined {
    const input = this.ui.byId<HTMLInputElement>(id)
    const text = input.value.trim()
    if (text === '') return fallback
    const n = Number(text)
    const max = Number(input.max || Number.MAX_SAFE_INTEGER)
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`${label} must be a whole number from ${min}${input.max ? ` to ${max}` : ''}`)
    }
    return n
  }

  #text(id: string): string | undefined {
    const text = this.ui.byId<HTMLInputElement>(id).value.trim()
    return text === '' ? undefined : text
  }

  /** The rule the switch of `operation` makes in position `kind`, under the switch's `id`. */
  rule(id: string, operation: string, kind: string): Record<string, unknown> {
    const times = this.#whole('times', 'Times', 1)
    const after = this.#whole('after', 'After', 0)
    const rule: Record<string, unknown> = { id, match: { operation } }
    if (kind === 'quota') {
      // The effect is left out: a quota's default is the vendor's 429 with Retry-After until the
      // quota's window ends, which says more than a fixed Retry-After.
      rule.quota = {
        limit: this.#whole('quota-limit', 'Quota limit', 0, 3),
        perMs: this.#whole('quota-per', 'Quota per (ms)', 1, 60_000),
        by: this.ui.byId<HTMLSelectElement>('quota-by').value,
      }
    } else rule.effect = this.#effect(kind)
    const window = this.#window()
    if (window) rule.window = window
    // No `times` on a reset: a browser re-sends a request whose connection was reset (up to
    // twice in Chromium), so only a reset that keeps firing reaches the page.
    if (times !== undefined && kind !== 'reset') rule.times = times
    if (after !== undefined && after > 0) rule.after = after
    return rule
  }

  #effect(kind: string): Record<string, unknown> {
    const effect = this.#baseEffect(kind)
    if (this.ui.byId<HTMLSelectElement>('when').value === 'afterCommit') {
      const status = effect.status as number | undefined
      // The control API refuses these too; naming the input here says which control to change.
      if (
        !['reset', 'garbage', 'empty'].includes(kind) &&
        !(status !== undefined && status >= 500)
      ) {
        throw new Error(
          kind === 'async'
            ? 'When “after commit” does not go with async work fails: the work fails after a normal answer'
            : 'When “after commit” goes only with 502, 503, connection reset, garbage reply or empty reply',
        )
      }
      effect.when = 'afterCommit'
    }
    return effect
  }

  #baseEffect(kind: string): Record<string, unknown> {
    // SWR's gateway sends no Retry-After with its 502, so neither does the switch.
    if (kind === '409' || kind === '502') return { status: Number(kind) }
    if (kind === '429' || kind === '503') {
      return {
        status: Number(kind),
        retryAfter: this.#whole('retry-after', 'Retry-After (s)', 0, 1),
      }
    }
    if (kind === 'truncate') {
      return { network: 'truncate', bytes: this.#whole('bytes', 'Bytes (truncate)', 0, 16) }
    }
    if (NETWORK_KINDS.has(kind)) return { network: kind }
    if (kind === 'async') return { async: 'fail' }
    if (kind === 'slow') {
      return { bytesPerSecond: this.#whole('rate', 'Bytes/s (slow body)', 1, 1024) }
    }
    return { delayMs: this.#delay() }
  }

  /** `delayMs` from Latency and its spread: fixed, uniform (Min–Max) or lognormal (Sigma, Max). */
  #delay(): number | Record<string, unknown> {
    const spread = this.ui.byId<HTMLSelectElement>('spread').value
    const latency = this.#whole('latency', 'Latency (ms)', 0, 1500) as number
    if (spread === 'uniform') {
      const min = this.#whole('delay-min', 'Min (ms)', 0, 0) as number
      const max = this.#whole('delay-max', 'Max (ms)', 0, latency) as number
      if (min > max) throw new Error('Min (ms) must not exceed Max (ms)')
      return { distribution: 'uniform', min, max }
    }
    if (spread === 'lognormal') {
      const max = this.#whole('delay-max', 'Max (ms)', 0, latency * 10) as number
      const text = this.#text('sigma') ?? '0.5'
      const sigma = Number(text)
      if (!Number.isFinite(sigma) || sigma < 0 || sigma > 10) {
        throw new Error('Sigma must be a number from 0 to 10')
      }
      if (latency > max) throw new Error('Latency (ms), the median, must not exceed Max (ms)')
      return { distribution: 'lognormal', median: latency, sigma, max }
    }
    return latency
  }

  /** The Window inputs as a rule's `window` (the API checks the durations and instants). */
  #window(): Record<string, string> | undefined {
    const window: Record<string, string> = {}
    for (const [key, id] of [
      ['from', 'window-from'],
      ['until', 'window-until'],
      ['every', 'window-every'],
      ['for', 'window-for'],
    ] as const) {
      const text = this.#text(id)
      if (text !== undefined) window[key] = text
    }
    return Object.keys(window).length > 0 ? window : undefined
  }
}
