import { z } from 'zod'
import { LATEST_INSTANT } from './clock.ts'
import { formatDuration, parseDuration } from './duration.ts'
import { lazy } from './lazy.ts'

/**
 * The `window` of a fault rule: when, on the session clock, it may fire. Durations are `500ms`,
 * `30s`, `2m` or `1h`; instants are `+DURATION` from when the rule is added, or ISO-8601.
 */

const durationSchema = () =>
  z.string().refine((text) => (parseDuration(text) ?? 0) > 0, {
    message: 'must be a positive duration such as 500ms, 30s, 2m or 1h',
  })

/**
 * An ISO-8601 date-time with its offset (`Z` or `±hh:mm`: without one it would be read in the
 * machine's time zone, so the same rule would fire at other instants elsewhere), a real calendar
 * date (`2026-02-30` is refused, not rolled over into March) from 1970 to the end of year 9999,
 * as the session clock takes; undefined when `text` is none.
 */
export function parseInstant(text: string): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.exec(
      text,
    )
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((n) => Number(n ?? 0))
  const date = new Date(0)
  date.setUTCFullYear(year as number, (month as number) - 1, day)
  date.setUTCHours(hour as number, minute, second)
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== (month as number) - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  )
    return undefined
  const ms = Date.parse(text)
  return Number.isFinite(ms) && ms >= 0 && ms <= LATEST_INSTANT ? ms : undefined
}

/** An instant: `+DURATION` from when the rule is added, or an ISO-8601 date-time. */
const instantSchema = () =>
  z
    .string()
    .refine(
      (text) =>
        text.startsWith('+')
          ? parseDuration(text.slice(1)) !== undefined
          : parseInstant(text) !== undefined,
      {
        message:
          'must be +DURATION (from when the rule is added, e.g. +30s) or an ISO-8601 date-time with its offset (Z or ±hh:mm) from 1970 to 9999',
      },
    )

/**
 * When a rule may fire, on the session clock: between `from` and `until` (either may be left
 * out; after `until` the rule is removed), or the first `for` of every `every` from `from` (when
 * the rule is added, if left out). A stored rule holds absolute ISO instants.
 */
export const windowSchema = lazy(() => {
  const instant = instantSchema()
  const duration = durationSchema()
  return z
    .object({
      from: instant.optional(),
      until: instant.optional(),
      every: duration.optional(),
      for: duration.optional(),
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
})

/** A window as a stored rule shows it. */
export type StoredWindow = z.input<ReturnType<typeof windowSchema>>

/** A rule's window as the engine keeps it: ms on the session clock. */
export interface Window {
  from: number
  until: number
  every?: number
  for?: number
}

/** A window with its instants resolved against `now` (the session clock when the rule is added). */
export function resolveWindow(
  input: z.output<ReturnType<typeof windowSchema>>,
  now: number,
): Window {
  const instant = (text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback
    return text.startsWith('+')
      ? now + (parseDuration(text.slice(1)) ?? 0)
      : (parseInstant(text) ?? Number.NaN)
  }
  const from = instant(input.from, input.every === undefined ? Number.NEGATIVE_INFINITY : now)
  const until = instant(input.until, Number.POSITIVE_INFINITY)
  if (input.every === undefined || input.for === undefined) return { from, until }
  return { from, until, every: parseDuration(input.every), for: parseDuration(input.for) }
}

/**
 * What is wrong with a resolved window, as a sentence naming the field (`window.until: …`), or undefined: an instant past the
 * clock's last one (a stored rule could not write it back as ISO-8601), `until` not after `from`
 * or not after `now`, the session clock (a rule that could never fire: it would be accepted and
 * silently removed).
 */
export function windowProblem(window: Window, now: number): string | undefined {
  const latest = new Date(LATEST_INSTANT).toISOString()
  for (const field of ['from', 'until'] as const) {
    if (Number.isFinite(window[field]) && window[field] > LATEST_INSTANT)
      return `window.${field}: falls after ${latest}, the session clock's last instant`
  }
  if (window.until <= window.from) {
    return `window.until: must be after from (${new Date(window.from).toISOString()}); got ${new Date(window.until).toISOString()}`
  }
  if (window.until <= now) {
    return `window.until (${new Date(window.until).toISOString()}) is already past (session clock ${new Date(now).toISOString()})`
  }
  return undefined
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

/** Whether `now` falls in the window (for a repeating one, in the first `for` of a period). */
export function inWindow(window: Window, now: number): boolean {
  if (now < window.from || now >= window.until) return false
  if (window.every === undefined || window.for === undefined) return true
  return (now - window.from) % window.every < window.for
}
