/** The fixed instant every scenario starts from, so timestamps are reproducible. */
export const DEFAULT_EPOCH = Date.parse('2026-03-02T09:00:00.000Z')

/** Options for a session clock. */
export interface ClockOptions {
  /** Start instant in ms since the Unix epoch. */
  start?: number
  /** How far time moves on each API request (ms); 0 freezes the clock between explicit moves. */
  stepMs?: number
}

/**
 * A virtual clock. Time only moves when told to (`advance`, `set`) and by a fixed step per API
 * request, so the same request sequence always sees the same timestamps.
 */
export interface Clock {
  now(): number
  /** The current instant as an ISO-8601 string in UTC. */
  iso(): string
  advance(ms: number): void
  set(instant: number): void
  /** Called once per API request by the pipeline. */
  tick(): void
  readonly stepMs: number
}

/** Creates a virtual clock. */
export function createClock({ start = DEFAULT_EPOCH, stepMs = 1000 }: ClockOptions = {}): Clock {
  let current = start
  return {
    now: () => current,
    iso: () => new Date(current).toISOString(),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError('advance() takes a non-negative number of ms')
      current += ms
    },
    set(instant) {
      if (!Number.isFinite(instant)) throw new RangeError('set() takes a finite instant in ms')
      current = instant
    },
    tick() {
      current += stepMs
    },
    stepMs,
  }
}
