import { InputError } from './errors.ts'
/** The fixed instant every scenario starts from, so timestamps are reproducible. */
export const DEFAULT_EPOCH = Date.parse('2026-03-02T09:00:00.000Z')

/** Options for a session clock. */
export interface ClockOptions {
  /** Start instant in ms since the Unix epoch. */
  start?: number
  /** How far time moves on each API request (ms); 0 freezes the clock between explicit moves. */
  stepMs?: number
  /**
   * `step` (the default): time moves only by `stepMs` per request and explicit moves, so the same
   * requests see the same timestamps. `real`: time follows the wall clock from `start` (`advance`
   * and `set` still move it), so "down for 30 s" lasts 30 s; timestamps then differ run to run.
   */
  mode?: ClockMode
}

/** How a session clock moves: by a fixed step per request, or with the wall clock. */
export type ClockMode = 'step' | 'real'

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
  readonly mode: ClockMode
}

/**
 * The latest instant the clock may show: the end of year 9999, so every timestamp a vendor writes
 * (four-digit years) stays valid and a year of requests still fits before JavaScript's date limit.
 */
export const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z')

/** Creates a session clock: the step clock, or with `mode: 'real'` one that follows wall time. */
export function createClock({
  start = DEFAULT_EPOCH,
  stepMs = 1000,
  mode = 'step',
}: ClockOptions = {}): Clock {
  return mode === 'real' ? createRealClock(start) : createStepClock(start, stepMs)
}

function createStepClock(start: number, stepMs: number): Clock {
  let current = start
  return {
    now: () => current,
    iso: () => new Date(current).toISOString(),
    advance(ms) {
      checkAdvance(current, ms)
      current += ms
    },
    set(instant) {
      checkInstant(instant)
      current = instant
    },
    tick() {
      current += stepMs
    },
    stepMs,
    mode: 'step',
  }
}

/** The wall clock shifted to start at `start`; `advance` and `set` move the shift. */
function createRealClock(start: number): Clock {
  let offset = start - Date.now()
  const now = () => Math.min(LATEST_INSTANT, Date.now() + offset)
  return {
    now,
    iso: () => new Date(now()).toISOString(),
    advance(ms) {
      checkAdvance(now(), ms)
      offset += ms
    },
    set(instant) {
      checkInstant(instant)
      offset = instant - Date.now()
    },
    tick() {},
    stepMs: 0,
    mode: 'real',
  }
}

/** Refuses an advance that is not a non-negative number of ms or that passes the last instant. */
function checkAdvance(now: number, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InputError(`advance() takes a non-negative number of ms; got ${String(ms)}`)
  }
  if (now + ms > LATEST_INSTANT) {
    throw new InputError('advance() would move the clock past 9999-12-31T23:59:59.999Z')
  }
}

/** Refuses an instant outside 1970-01-01T00:00:00Z … 9999-12-31T23:59:59.999Z. */
function checkInstant(instant: number): void {
  if (!Number.isFinite(instant) || instant < 0 || instant > LATEST_INSTANT) {
    throw new InputError(
      `set() takes an ISO-8601 date-time or ms since the epoch, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z; got ${String(instant)}`,
    )
  }
}
