import { type Clock, type ClockOptions, createClock } from './clock.ts'
import { MockStatusError } from './errors.ts'
import { FaultEngine, type OperationFacts } from './faults.ts'
import { DEFAULT_JOURNAL_BYTES, Journal } from './journal.ts'
import type { JournalBudget } from './journal-budget.ts'
import { createRandom, hashSeed, type Random } from './random.ts'
import { isBuiltIn, type Scenario, type SeedTarget, worldFor } from './scenario.ts'
import {
  type CollectionMap,
  restoreCollections,
  type StoreSnapshot,
  skipValidation,
  snapshotCollections,
} from './state.ts'
import type { AnyVendor, VendorOf } from './vendor.ts'

/** The header that selects a session. */
export const SESSION_HEADER = 'x-mock-session'
export const DEFAULT_SESSION = 'default'
const SESSION_NAME = /^[A-Za-z0-9._-]{1,64}$/

/** What every session of one mock is built from. */
export interface SessionSettings {
  vendors: readonly AnyVendor[]
  scenarios: ReadonlyMap<string, Scenario>
  scenario: string
  seed: number
  auth: boolean
  clock: ClockOptions
  journalLimit: number
  /** The bound all sessions' journals share (see {@link JournalBudget}). */
  journalBudget?: JournalBudget
  operationIds: readonly string[]
  /** What fault rules need to know of each operation (`<vendor>.<id>` → its facts). */
  operationFacts?: ReadonlyMap<string, OperationFacts>
}

/**
 * One isolated world: stores, fault rules, journal, clock and random streams. Nothing outside a
 * session holds mutable state, so sessions never see each other.
 */
export class Session {
  readonly faults: FaultEngine
  readonly journal: Journal
  clock!: Clock
  random!: Random
  /** Request ids come from their own stream, so fixtures never shift them. */
  requestIds!: Random
  scenario!: string
  seed!: number
  lastUsed = Date.now()
  #stores = new Map<string, unknown>()
  #generation = 0
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: never read; holding it keeps the shared seeded records alive while this session starts from them
  #seeded: SeededScenario | undefined
  #ready: Promise<void> = Promise.resolve()
  #writes: Promise<unknown> = Promise.resolve()

  constructor(
    readonly name: string,
    private readonly settings: SessionSettings,
  ) {
    this.faults = new FaultEngine(
      settings.seed,
      () => settings.operationIds,
      (id) => settings.operationFacts?.get(id),
      () => this.clock.now(),
    )
    this.journal = new Journal(settings.journalLimit, DEFAULT_JOURNAL_BYTES, settings.journalBudget)
    this.#ready = this.reset({ scenario: settings.scenario, seed: settings.seed })
  }

  /** Resolves once the scenario has filled the stores. */
  get ready(): Promise<void> {
    return this.#ready
  }

  get auth(): boolean {
    return this.settings.auth
  }

  /**
   * Runs a state-changing handler after every earlier one has finished. @msw/data's writes are
   * async, so without this two concurrent creates of one name could both pass the existence check.
   */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.#writes.then(work, work)
    this.#writes = run.catch(() => {})
    return run
  }

  /** This vendor's store in this session. */
  store<Store>(vendor: VendorOf<Store>): Store {
    let store = this.#stores.get(vendor.name) as Store | undefined
    if (store === undefined) {
      store = vendor.createStore()
      this.#stores.set(vendor.name, store)
    }
    return store
  }

  /** Swaps in stores built elsewhere (state import); vendors not named keep theirs. */
  replaceStores(stores: ReadonlyMap<string, unknown>): void {
    for (const [name, store] of stores) this.#stores.set(name, store)
  }

  /** Re-seeds the stores from a scenario and clears faults, journal and clock. */
  reset({
    scenario = this.scenario,
    seed = this.seed,
  }: {
    scenario?: string
    seed?: number
  } = {}): Promise<void> {
    const chosen = this.settings.scenarios.get(scenario)
    if (!chosen) {
      const known = [...this.settings.scenarios.keys()].join(', ')
      throw new RangeError(`unknown scenario "${scenario}"; known scenarios: ${known}`)
    }
    this.scenario = scenario
    this.seed = seed
    this.clock = createClock(this.settings.clock)
    this.random = createRandom(hashSeed(seed, 'model', this.name))
    this.requestIds = createRandom(hashSeed(seed, 'request-ids', this.name))
    // Filled into a map of its own and swapped in whole once seeded: a request in flight meanwhile
    // reads the old stores (never a half-filled or empty one), and a reset that overtakes this
    // one wins.
    const stores = new Map<string, unknown>()
    const generation = ++this.#generation
    this.faults.reseed(seed)
    // Now, not once seeded: the rules need no data, and a session's first control call (or a
    // reset that overtakes this one) must already see exactly this scenario's rules.
    let refused: unknown
    try {
      if (chosen.faults) this.faults.addAll([...chosen.faults])
    } catch (error) {
      refused = error // reported through `ready`, as a seeding failure is
    }
    this.journal.clear()
    const seeded = refused ? Promise.reject(refused) : seededScenario(this.settings, chosen, seed)
    const seeding = seeded.then(async (seeded) => {
      for (const [vendor, snapshot] of seeded.stores) {
        const store = vendor.createStore()
        stores.set(vendor.name, store)
        await restoreCollections(store as CollectionMap, snapshot)
      }
      if (generation !== this.#generation) return
      this.#stores = stores
      // Holds the shared records for as long as this session starts from them (the cache only
      // points at them weakly).
      this.#seeded = seeded
      if (seeded.clock !== seeded.start) this.clock.set(seeded.clock)
    })
    this.#ready = seeding
    return seeding
  }
}

/** The seeded stores of one (scenario, seed): every session starting from them shares them. */
interface SeededScenario {
  scenario: Scenario
  stores: ReadonlyArray<[AnyVendor, StoreSnapshot]>
  /** The clock before and after seeding (a scenario may move it). */
  start: number
  clock: number
}

/** (scenario, seed) pairs remembered per mock; the least recently used goes first. */
const SEEDED_KEPT = 8
/**
 * A seeding in progress, or a finished one held weakly: sessions hold their seeded scenario
 * strongly, so records stay shared while any session starts from them, and are freed (a `large`
 * seeding is hundreds of MB) once no session does.
 */
type SeededEntry = Promise<SeededScenario> | WeakRef<SeededScenario>
const seededByMock = new WeakMap<SessionSettings, Map<string, SeededEntry>>()

/**
 * Runs a scenario's builders once per (scenario, seed) and mock while sessions use it; sessions
 * share the frozen records (see {@link restoreCollections}). Byte-identical to seeding each
 * session: a scenario gets only the seed, the clock (the same start for every session) and
 * per-vendor streams derived from the seed and the vendor's name, never from the session.
 */
function seededScenario(
  settings: SessionSettings,
  scenario: Scenario,
  seed: number,
): Promise<SeededScenario> {
  let cache = seededByMock.get(settings)
  if (!cache) {
    cache = new Map()
    seededByMock.set(settings, cache)
  }
  const key = `${scenario.name}\u0000${seed}`
  const cached = cache.get(key)
  cache.delete(key)
  if (cached instanceof Promise) {
    cache.set(key, cached)
    return cached.then((seeded) =>
      seeded.scenario === scenario ? seeded : seedOnce(settings, scenario, seed),
    )
  }
  const alive = cached?.deref()
  if (alive && alive.scenario === scenario) {
    cache.set(key, cached as WeakRef<SeededScenario>)
    return Promise.resolve(alive)
  }
  const seeding = seedOnce(settings, scenario, seed)
  cache.set(key, seeding)
  seeding.then(
    (seeded) => {
      if (cache.get(key) === seeding) cache.set(key, new WeakRef(seeded))
    },
    // A scenario that failed is tried again by the next session rather than remembered.
    () => {
      if (cache.get(key) === seeding) cache.delete(key)
    },
  )
  if (cache.size > SEEDED_KEPT) cache.delete(cache.keys().next().value as string)
  return seeding
}

async function seedOnce(
  settings: SessionSettings,
  scenario: Scenario,
  seed: number,
): Promise<SeededScenario> {
  const clock = createClock(settings.clock)
  const start = clock.now()
  const stores = new Map<AnyVendor, unknown>()
  const trusted = isBuiltIn(scenario)
  const restore: Array<() => void> = []
  const target: SeedTarget = {
    seed,
    clock,
    store(vendor) {
      let store = stores.get(vendor)
      if (store === undefined) {
        store = vendor.createStore()
        stores.set(vendor, store)
        if (trusted) restore.push(skipValidation(store as CollectionMap))
      }
      return store
    },
  }
  try {
    await scenario.seed(worldFor(target))
  } finally {
    for (const undo of restore) undo()
  }
  return {
    scenario,
    stores: [...stores].map(([vendor, store]) => [
      vendor,
      snapshotCollections(store as CollectionMap),
    ]),
    start,
    clock: clock.now(),
  }
}

/** Options for {@link SessionManager}. */
export interface SessionLimits {
  /** Live sessions at most; the next new one is refused (default 100). */
  maxSessions: number
  /** Sessions idle for longer are dropped when room is needed (default 30 min). */
  idleMs: number
  /**
   * Bytes of JavaScript heap in use (`process.memoryUsage().heapUsed`) above which new sessions
   * are refused; undefined (the default) or a runtime without `process` (browsers) checks nothing.
   * Sessions on one scenario share its records, so what fills the heap is what sessions write or
   * import, and the caches their reads build.
   */
  maxHeapBytes?: number
}

/** Creates sessions on first use and keeps them apart. */
export class SessionManager {
  readonly #sessions = new Map<string, Session>()

  constructor(
    readonly settings: SessionSettings,
    readonly limits: SessionLimits,
  ) {}

  /** The session a request names in `X-Mock-Session`, created from the current scenario on first use. */
  forRequest(request: Request): Session {
    const name = request.headers.get(SESSION_HEADER) ?? DEFAULT_SESSION
    return this.get(name)
  }

  /** The named session, created on first use; throws a 400/503 {@link MockStatusError}. */
  get(name: string): Session {
    const existing = this.#sessions.get(name)
    if (existing) {
      existing.lastUsed = Date.now()
      return existing
    }
    if (!SESSION_NAME.test(name)) {
      throw new MockStatusError(
        400,
        `X-Mock-Session must be 1-64 letters, digits, dots, dashes or underscores; got "${name.slice(0, 80)}"`,
        'invalid-session',
      )
    }
    if (this.#sessions.size >= this.limits.maxSessions) this.dropIdle()
    if (this.#sessions.size >= this.limits.maxSessions) {
      throw new MockStatusError(
        503,
        `the mock already holds ${this.limits.maxSessions} sessions (the --max-sessions cap); delete one with DELETE /__mock/sessions/{name} or raise the cap`,
        'session-limit',
      )
    }
    if (name !== DEFAULT_SESSION) this.#checkHeap()
    const session = new Session(name, this.settings)
    this.#sessions.set(name, session)
    return session
  }

  /** Refuses a new session while the heap is over the cap and no idle session can make room. */
  #checkHeap(): void {
    const cap = this.limits.maxHeapBytes
    if (cap === undefined) return
    const used = globalThis.process?.memoryUsage?.().heapUsed
    if (used === undefined || used <= cap || this.dropIdle().length > 0) return
    const mb = (bytes: number) => Math.ceil(bytes / 2 ** 20)
    throw new MockStatusError(
      503,
      `the mock's heap holds ${mb(used)} MB, over the --max-heap-mb cap of ${mb(cap)} MB, so it takes no new session; delete one with DELETE /__mock/sessions/{name} or raise the cap`,
      'session-limit',
    )
  }

  /** Drops sessions idle for longer than the limit; returns their names. */
  dropIdle(now = Date.now()): string[] {
    const dropped: string[] = []
    for (const [name, session] of this.#sessions) {
      if (name !== DEFAULT_SESSION && now - session.lastUsed > this.limits.idleMs) {
        this.delete(name)
        dropped.push(name)
      }
    }
    return dropped
  }

  /** Forgets a session; its journal leaves the shared bound. */
  delete(name: string): boolean {
    this.#sessions.get(name)?.journal.detach()
    return this.#sessions.delete(name)
  }

  has(name: string): boolean {
    return this.#sessions.has(name)
  }

  names(): string[] {
    return [...this.#sessions.keys()]
  }

  get size(): number {
    return this.#sessions.size
  }
}
