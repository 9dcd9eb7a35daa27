/**
 * Durations as fault rules write them: a whole number and a unit, `500ms`, `30s`, `2m` or `1h`.
 * Free of zod so the dashboard's browser bundle can use the same parser as the engine.
 */

const DURATION = /^(\d{1,9})(ms|s|m|h)$/
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const

/** A duration such as `500ms`, `30s`, `2m` or `1h`, in ms; undefined when it is none. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text)
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined
}

/** ms as the largest whole unit of {@link parseDuration}: 60000 → `1m`, 1500 → `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`
  }
  return `${ms}ms`
}
