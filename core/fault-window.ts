import { z } from 'zod'

/**
 * The `window` of a fault rule: when, on the session clock, it may fire. Durations are `500ms`,
 * `30s`, `2m` or `1h`; instants are `+DURATION` from when the rule is added, or ISO-8601.
 */

const DURATION = /^(\d{1,9})(ms|s|m|h)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A duration such as `500ms`, `30s`, `2m` or `1h`, in ms; undefined when it is none. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text)
  return match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : undefined
}

const durationSchema = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, {
  message: 'must be a positive duration such as 500ms, 30s, 2m or 1h',
})

/** An instant: `+DURATION` from when the rule is added, or an ISO-8601 date-time. */
const instantSchema = z
  .string()
  .refine(
    (text) =>
      text.startsWith('+')
        ? parseDuration(text.slice(1)) !== undefined
        : /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(Date.parse(text)),
    {
      message:
        'must be +DURATION (from when the rule is added, e.g. +30s) or an ISO-8601 date-time',
    },
  )

/**
 * When a rule may fire, on the session clock: between `from` and `until` (either may be left
 * out; after `until` the rule is removed), or the first `for` of every `every` from `from` (when
 * the rule is added, if left out). A stored rule holds absolute ISO instants.
 */
export const windowSchema = z
  .object({
    from: instantSchema.optional(),
    until: instantSchema.optional(),
    every: durationSchema.optional(),
    for: durationSchema.optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message })
    if ((w.every === undefined) !== (w.for === undefined)) {
      problem(w.every === undefined ? 'every' : 'for', 'every and for go together')
    } else if (w.every !== undefined && w.for !== undefined) {
      if ((parseDuration(w.for) ?? 0) >= (parseDuration(w.every) ?? 0))
        problem('for', 'must be shorter than every')
      if (w.until !== undefined) problem('until', 'goes with from, not with every/for')
    } else if (w.from === undefined && w.until === undefined) {
      problem('from', 'a window needs from and/or until, or every and for')
    }
  })

/** A rule's window as the engine keeps it: ms on the session clock. */
/** A window as a stored rule shows it. */
export type StoredWindow = z.input<typeof windowSchema>

export interface Window {
  from: number
  until: number
  every?: number
  for?: number
}

/** A window with its instants resolved against `now` (the session clock when the rule is added). */
export function resolveWindow(input: z.output<typeof windowSchema>, now: number): Window {
  const instant = (text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback
    return text.startsWith('+') ? now + (parseDuration(text.slice(1)) ?? 0) : Date.parse(text)
  }
  const from = instant(input.from, input.every === undefined ? Number.NEGATIVE_INFINITY : now)
  const until = instant(input.until, Number.POSITIVE_INFINITY)
  if (input.every === undefined || input.for === undefined) return { from, until }
  return { from, until, every: parseDuration(input.every), for: parseDuration(input.for) }
}

/** The window as a stored rule shows it: absolute ISO instants, so a saved state replays it. */
export function storedWindow(window: Window): StoredWindow {
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined)
  const stored: StoredWindow = {}
  if (iso(window.from)) stored.from = iso(window.from)
  if (iso(window.until)) stored.until = iso(window.until)
  if (window.every !== undefined) stored.every = formatDuration(window.every)
  if (window.for !== undefined) stored.for = formatDuration(window.for)
  return stored
}

/** ms as the largest whole unit of {@link parseDuration}: 60000 → `1m`, 1500 → `1500ms`. */
function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] as number
    if (ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}

/** Whether `now` falls in the window (for a repeating one, in the first `for` of a period). */
export function inWindow(window: Window, now: number): boolean {
  if (now < window.from || now >= window.until) return false
  if (window.every === undefined || window.for === undefined) return true
  return (now - window.from) % window.every < window.for
}
