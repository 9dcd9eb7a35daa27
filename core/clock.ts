import { InputError } from './errors.ts'
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

/**
 * The latest instant the clock may show: the end of year 9999, so every timestamp a vendor writes
 * (four-digit years) stays valid and a year of requests still fits before JavaScript's date limit.
 */
export const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z')

/** Creates a virtual clock. */
export function createClock({ start = DEFAULT_EPOCH, stepMs = 1000 }: ClockOptions = {}): Clock {
  let current = start
  return {
    now: () => current,
    iso: () => new Date(current).toISOString(),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new InputError('advance() takes a non-negative number of ms')
      if (current + ms > LATEST_INSTANT)
        throw new InputError('advance() would move the clock past 9999-12-31T23:59:59.999Z')
      current += ms
    },
    set(instant) {
      if (!Number.isFinite(instant) || instant < 0 || instant > LATEST_INSTANT)
        throw new InputError(
          'set() takes an instant from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (ms since the epoch)',
        )
      current = instant
    },
    tick() {
      current += stepMs
    },
    stepMs,
  }
}
