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
 *
 * Its range is {@link EARLIEST_INSTANT} … {@link LATEST_INSTANT} (one rule, {@link checkInstant}):
 * an explicit move outside it (`set`, `advance`) throws an `InputError` and leaves the clock as it
 * was; time moving on its own (`tick`, the wall clock in `real` mode) stops at
 * {@link LATEST_INSTANT}, so every timestamp stays a four-digit year and every clock a state export
 * holds is one that `set` (a state import, a `--state` restart) takes back.
 */
export interface Clock {
  now(): number
  /** The current instant as an ISO-8601 string in UTC. */
  iso(): string
  advance(ms: number): void
  set(instant: number): void
  /** Called once per API request by the pipeline; stops at {@link LATEST_INSTANT}. */
  tick(): void
  readonly stepMs: number
  readonly mode: ClockMode
}

/** The earliest instant the clock may show: the Unix epoch. */
export const EARLIEST_INSTANT = 0

/**
 * The latest instant the clock may show: the end of year 9999, so every timestamp a vendor writes
 * keeps its four-digit year (ISO-8601 and RFC 3339 have none beyond; `toISOString` would write
 * `+010000-…`).
 */
export const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z')

/** An instant moved past the clock's range on its own (a tick, wall time) stops at its end. */
function saturate(instant: number): number {
  return Math.min(LATEST_INSTANT, instant)
}

/**
 * `now` plus `ms`, stopped at {@link LATEST_INSTANT}: an instant a handler derives from the clock
 * (a job's expiry, a result's ready time), so that at the clock's end it keeps a four-digit year
 * too, rather than `+010000-…`. Ms since the epoch.
 */
export function instantAfter(now: number, ms: number): number {
  return saturate(now + ms)
}

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
      current = advanced(current, ms)
    },
    set(instant) {
      checkInstant(instant)
      current = instant
    },
    tick() {
      current = saturate(current + stepMs)
    },
    stepMs,
    mode: 'step',
  }
}

/** The wall clock shifted to start at `start`; `advance` and `set` move the shift. */
function createRealClock(start: number): Clock {
  let offset = start - Date.now()
  const now = () => saturate(Date.now() + offset)
  return {
    now,
    iso: () => new Date(now()).toISOString(),
    advance(ms) {
      const from = now()
      offset += advanced(from, ms) - from
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

/** `now` moved by `ms`; refuses a negative or non-finite `ms`, or one that leaves the range. */
function advanced(now: number, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InputError(`advance() takes a non-negative number of ms; got ${String(ms)}`)
  }
  const to = now + ms
  if (to > LATEST_INSTANT) {
    throw new InputError(`advance() would move the clock past ${RANGE[1]}`)
  }
  return to
}

/** The clock's range, as ISO-8601 date-times. */
const RANGE = [new Date(EARLIEST_INSTANT).toISOString(), new Date(LATEST_INSTANT).toISOString()]

/** The one range rule: refuses an instant outside {@link EARLIEST_INSTANT} … {@link LATEST_INSTANT}. */
function checkInstant(instant: number): void {
  if (!Number.isFinite(instant) || instant < EARLIEST_INSTANT || instant > LATEST_INSTANT) {
    throw new InputError(
      `set() takes an ISO-8601 date-time or ms since the epoch, from ${RANGE[0]} to ${RANGE[1]}; got ${String(instant)}`,
    )
  }
}
