import { Collection } from '@msw/data'
import { type ClockOptions, createClock } from './clock.ts'
import { isBuiltIn, type Scenario, type SeedTarget, worldFor } from './scenario.ts'
import {
  type CollectionMap,
  type StoreSnapshot,
  skipValidation,
  snapshotCollections,
} from './state.ts'
import type { AnyVendor } from './vendor.ts'

/** The seeded stores of one (scenario, seed): every session starting from them shares them. */
export interface SeededScenario {
  scenario: Scenario
  stores: ReadonlyArray<[AnyVendor, StoreSnapshot]>
  /** The clock before and after seeding (a scenario may move it). */
  start: number
  clock: number
}

/** Who waits for a seeding: whether it still wants it, and the check it must pass first. */
export interface SeedingWanter {
  /** False once a later reset of the same session overtook this one. */
  wanted(): boolean
  /** Throws (a 503) when the mock may not grow by another data set; absent for a new session. */
  admit?: () => void
}

/** Thrown to a wanter whose seeding no one wanted any more when its turn came, so it never ran. */
export class SeedingOvertaken extends Error {
  constructor() {
    super('a later reset of the session overtook this one')
  }
}

/**
 * Entries kept per mock beyond those still in use: past it, entries whose data set no session
 * holds any more go, the least recently used first. An entry in use (a seeding queued or
 * running, or records some session holds) is never dropped, so a reset to a data set a session
 * holds always shares it.
 */
const SEEDED_KEPT = 8

/** A seeding queued or in progress, with everyone waiting for it. */
interface Seeding {
  promise: Promise<SeededScenario>
  wanters: SeedingWanter[]
}

/**
 * A seeding queued or running, or a finished one held weakly: sessions hold their seeded scenario
 * strongly, so records stay shared while any session starts from them, and are freed (a `large`
 * seeding is hundreds of MB) once no session does.
 */
type SeededEntry = Seeding | WeakRef<SeededScenario>

interface SeededCache {
  entries: Map<string, SeededEntry>
  /** Seedings run one at a time per mock, so the heap check before each sees the ones before it. */
  queue: Promise<unknown>
}

/** What seeding needs of a mock's session settings; the object itself keys the mock's cache. */
export interface SeedSettings {
  readonly clock: ClockOptions
}

const seededByMock = new WeakMap<SeedSettings, SeededCache>()

/**
 * The seeded stores of (scenario, seed): shared while any session of the mock holds them, else
 * built by running the scenario's builders. Builds run one at a time per mock and yield to other
 * work every few ms (see {@link paceCreates}), so a `large` seeding (seconds of work, hundreds of
 * MB) never holds the event loop nor runs beside another; when its turn comes, a build no wanter
 * wants any more is skipped ({@link SeedingOvertaken}) and each remaining wanter's `admit` runs
 * first. Byte-identical to seeding each session: a scenario gets only the seed, the clock (the
 * same start for every session) and per-vendor streams derived from the seed and the vendor's
 * name, never from the session.
 */
export function seededScenario(
  settings: SeedSettings,
  scenario: Scenario,
  seed: number,
  wanter: SeedingWanter,
): Promise<SeededScenario> {
  let cache = seededByMock.get(settings)
  if (!cache) {
    cache = { entries: new Map(), queue: Promise.resolve() }
    seededByMock.set(settings, cache)
  }
  const { entries } = cache
  const key = `${scenario.name}\u0000${seed}`
  const cached = entries.get(key)
  entries.delete(key)
  if (cached instanceof WeakRef) {
    const alive = cached.deref()
    if (alive && alive.scenario === scenario) {
      entries.set(key, cached)
      return Promise.resolve(alive)
    }
  } else if (cached) {
    entries.set(key, cached)
    cached.wanters.push(wanter)
    return cached.promise.then((seeded) =>
      seeded.scenario === scenario ? seeded : seedOnce(settings, scenario, seed),
    )
  }
  const seeding: Seeding = { wanters: [wanter], promise: Promise.resolve() as never }
  seeding.promise = cache.queue.then(() => {
    const wanting = seeding.wanters.filter((w) => w.wanted())
    if (wanting.length === 0) throw new SeedingOvertaken()
    for (const w of wanting) w.admit?.()
    return seedOnce(settings, scenario, seed)
  })
  cache.queue = seeding.promise.catch(() => {})
  entries.set(key, seeding)
  seeding.promise.then(
    (seeded) => {
      if (entries.get(key) === seeding) entries.set(key, new WeakRef(seeded))
    },
    // A seeding that failed or was refused is tried again by the next wanter, not remembered.
    () => {
      if (entries.get(key) === seeding) entries.delete(key)
    },
  )
  forgetUnheld(entries)
  return seeding.promise
}

/** Drops the least recently used entries no session holds while more than SEEDED_KEPT remain. */
function forgetUnheld(entries: Map<string, SeededEntry>): void {
  for (const [key, entry] of entries) {
    if (entries.size <= SEEDED_KEPT) return
    if (entry instanceof WeakRef && entry.deref() === undefined) entries.delete(key)
  }
}

async function seedOnce(
  settings: SeedSettings,
  scenario: Scenario,
  seed: number,
): Promise<SeededScenario> {
  const clock = createClock(settings.clock)
  const start = clock.now()
  const stores = new Map<AnyVendor, unknown>()
  const trusted = isBuiltIn(scenario)
  const restore: Array<() => void> = []
  const pace = pacer()
  const target: SeedTarget = {
    seed,
    clock,
    store(vendor) {
      let store = stores.get(vendor)
      if (store === undefined) {
        store = vendor.createStore()
        stores.set(vendor, store)
        if (trusted) restore.push(skipValidation(store as CollectionMap))
        restore.push(paceCreates(store as CollectionMap, pace))
      }
      return store
    },
  }
  try {
    await scenario.seed(worldFor(target))
  } finally {
    for (const undo of restore) undo()
  }
  const snapshots: Array<[AnyVendor, StoreSnapshot]> = []
  for (const [vendor, store] of stores) {
    snapshots.push([vendor, await snapshotCollections(store as CollectionMap, pace)])
  }
  return { scenario, stores: snapshots, start, clock: clock.now() }
}

/** Work between two yields to the event loop while seeding (ms). */
const SLICE_MS = 10

/** A function that, once {@link SLICE_MS} of work has passed since it last did, waits a macrotask. */
export function pacer(): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < SLICE_MS) return
    // A macrotask, not a microtask: I/O and timers (other sessions' requests) run meanwhile.
    await new Promise<void>((resolve) =>
      typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
    )
    since = performance.now()
  }
}

/**
 * Makes each `create` of a store's collections call `pace` once it has stored its record, until
 * the returned function is called: scenarios fill stores record by record, so seeding yields to
 * other work between records without scenarios knowing.
 */
function paceCreates(store: CollectionMap, pace: () => Promise<void>): () => void {
  const paced: Array<{ create?: unknown }> = []
  for (const collection of Object.values(store)) {
    if (!(collection instanceof Collection)) continue
    const target = collection as { create?: (...args: unknown[]) => Promise<unknown> }
    const create = target.create as (...args: unknown[]) => Promise<unknown>
    target.create = async function (this: unknown, ...args: unknown[]) {
      const record = await create.apply(this, args)
      await pace()
      return record
    }
    paced.push(target)
  }
  return () => {
    // The prototype's method again.
    for (const target of paced) delete target.create
  }
}
