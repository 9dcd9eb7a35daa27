import { type Clock, type ClockOptions, createClock } from './clock.ts'
import { MockStatusError } from './errors.ts'
import { FaultEngine, type OperationFacts } from './faults.ts'
import { DEFAULT_JOURNAL_BYTES, Journal } from './journal.ts'
import type { JournalBudget } from './journal-budget.ts'
import { createRandom, hashSeed, type Random } from './random.ts'
import type { MockRequest } from './request-input.ts'
import type { Scenario } from './scenario.ts'
import { type SeededScenario, SeedingOvertaken, seededScenario } from './seeded.ts'
import { type CollectionMap, restoreCollections } from './state.ts'
import type { AnyVendor, VendorOf } from './vendor.ts'

/** The header that selects a session. */
export const SESSION_HEADER = 'x-mock-session'
export const DEFAULT_SESSION = 'default'
/** What a session name may be: the rule `X-Mock-Session` and every tool that names a session check. */
export const SESSION_NAME = /^[A-Za-z0-9._-]{1,64}$/

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
  faults!: FaultEngine
  readonly journal: Journal
  clock!: Clock
  random!: Random
  /** Request ids come from their own stream, so fixtures never shift them. */
  requestIds!: Random
  scenario!: string
  seed!: number
  lastUsed = Date.now()
  #stores = new Map<string, unknown>()
  /** The number of the latest seeding asked for (first or reset), and of the one in place. */
  #generation = 0
  #applied = 0
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: never read; holding it keeps the shared seeded records alive while this session starts from them
  #seeded: SeededScenario | undefined
  #ready: Promise<void> = Promise.resolve()
  /** The first seeding: what a failed reset leaves the session waiting for when none took effect. */
  #first: Promise<void> = Promise.resolve()
  #writes: Promise<unknown> = Promise.resolve()
  #epoch = 0

  /**
   * Which state the session is in: a new number each time a reset takes effect or a state import
   * replaces it. A request notes it once its session is ready; one whose number is no longer the
   * session's (see `superseded` in core/pipeline/resolve-session.ts) never touches the new state.
   */
  get epoch(): number {
    return this.#epoch
  }

  /** Starts a new epoch: what was in flight belongs to a state that is gone (state import). */
  supersede(): void {
    this.#epoch++
  }

  /**
   * @param admit throws (a 503 {@link MockStatusError}) when the mock may not grow by another
   *   seeded data set; a reset that must seed one calls it when its turn to seed comes.
   */
  constructor(
    readonly name: string,
    private readonly settings: SessionSettings,
    private readonly admit?: () => void,
  ) {
    this.journal = new Journal(settings.journalLimit, DEFAULT_JOURNAL_BYTES, settings.journalBudget)
    const chosen = this.#scenario(settings.scenario)
    const start = this.#start(chosen, settings.seed)
    // Now, not once seeded: a session's first control call must already see exactly this
    // scenario's clock and rules (there is no earlier state to keep meanwhile).
    this.#begin(start)
    const generation = ++this.#generation
    this.#first = this.#ready = start.refused
      ? Promise.reject(start.refused)
      : this.#fill(chosen, start, generation, undefined)
  }

  /** Resolves once the scenario has filled the stores (after a reset: once the reset took effect). */
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

  /**
   * Re-seeds the stores from a scenario and clears faults, journal and clock, all at once when the
   * seeded stores are ready: until then the session keeps its state, and requests wait for the
   * reset (`ready`). Of two overlapping resets the later one wins whole: the earlier one, if still
   * waiting for its turn to seed, never seeds and resolves once the later one took effect; if
   * already seeding, it takes effect and the later one replaces it. A reset that
   * must seed a data set no session holds first passes the mock's heap check (`admit`); refused,
   * failed (a scenario's bug, a bad preset rule) or not, a reset that rejects changes nothing.
   * @throws RangeError for an unknown scenario (the callers check names first)
   */
  reset({
    scenario = this.scenario,
    seed = this.seed,
  }: {
    scenario?: string
    seed?: number
  } = {}): Promise<void> {
    const chosen = this.#scenario(scenario)
    const start = this.#start(chosen, seed)
    const generation = ++this.#generation
    const filling = start.refused
      ? Promise.reject(start.refused)
      : this.#fill(chosen, start, generation, this.admit)
    // Requests wait for the reset; one that fails leaves the earlier state (and its `ready`).
    // (Never a ready that waits for this one: an overtaken seeding waits for the latest.)
    this.#ready = filling.catch(() => (this.#applied > 0 ? undefined : this.#first))
    return filling
  }

  #scenario(name: string): Scenario {
    const chosen = this.settings.scenarios.get(name)
    if (chosen) return chosen
    const known = [...this.settings.scenarios.keys()].join(', ')
    throw new RangeError(`unknown scenario "${name}"; known scenarios: ${known}`)
  }

  /** A scenario's fresh clock, random streams and preset rules, not yet the session's. */
  #start(chosen: Scenario, seed: number): Start {
    const clock = createClock(this.settings.clock)
    const faults = new FaultEngine(
      seed,
      () => this.settings.operationIds,
      (id) => this.settings.operationFacts?.get(id),
      // The engine and its clock are always swapped in together.
      () => clock.now(),
    )
    let refused: unknown
    try {
      if (chosen.faults) faults.addAll([...chosen.faults])
    } catch (error) {
      refused = error // a bad preset rule fails the seeding
    }
    return {
      scenario: chosen.name,
      seed,
      clock,
      faults,
      random: createRandom(hashSeed(seed, 'model', this.name)),
      requestIds: createRandom(hashSeed(seed, 'request-ids', this.name)),
      refused,
    }
  }

  #begin(start: Start): void {
    this.scenario = start.scenario
    this.seed = start.seed
    this.clock = start.clock
    this.faults = start.faults
    this.random = start.random
    this.requestIds = start.requestIds
    this.journal.clear()
    this.supersede()
  }

  /**
   * Builds the stores aside from the seeded records and swaps in the start and the stores at once,
   * unless a later seeding took effect first: then it waits for the latest instead.
   */
  async #fill(
    chosen: Scenario,
    start: Start,
    generation: number,
    admit: (() => void) | undefined,
  ): Promise<void> {
    const newer = () => generation > this.#applied
    // The first seeding stays wanted until some seeding takes effect: a session always has stores.
    const wanted = () => newer() && (generation === this.#generation || generation === 1)
    let seeded: SeededScenario
    try {
      seeded = await seededScenario(this.settings, chosen, start.seed, { wanted, admit })
    } catch (error) {
      if (error instanceof SeedingOvertaken) return this.#ready
      throw error
    }
    const stores = new Map<string, unknown>()
    for (const [vendor, snapshot] of seeded.stores) {
      const store = vendor.createStore()
      stores.set(vendor.name, store)
      await restoreCollections(store as CollectionMap, snapshot)
    }
    if (!newer()) return this.#ready
    if (this.clock !== start.clock) this.#begin(start)
    this.#stores = stores
    this.#applied = generation
    // Holds the shared records for as long as this session starts from them (the cache only
    // points at them weakly).
    this.#seeded = seeded
    if (seeded.clock !== seeded.start) this.clock.set(seeded.clock)
  }
}

/** What a session starts from: its scenario's fresh clock, streams and preset rules. */
interface Start {
  scenario: string
  seed: number
  clock: Clock
  faults: FaultEngine
  random: Random
  requestIds: Random
  /** The preset rules' refusal, if they were refused. */
  refused: unknown
}

/** Options for {@link SessionManager}. */
export interface SessionLimits {
  /** Live sessions at most; the next new one is refused (default 100). */
  maxSessions: number
  /** Sessions idle for longer are dropped when room is needed (default 30 min). */
  idleMs: number
  /**
   * Bytes of JavaScript heap in use (`process.memoryUsage().heapUsed`) above which new sessions,
   * and resets that must seed a (scenario, seed) no session holds, are refused; undefined (the default) or a runtime without `process` (browsers) checks nothing.
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
  forRequest(request: MockRequest): Session {
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
    if (name !== DEFAULT_SESSION) this.#checkHeap('takes no new session')
    const session = new Session(name, this.settings, () =>
      this.#checkHeap(
        `seeds no new data set (a reset of session "${name}" to a scenario and seed no session holds)`,
      ),
    )
    this.#sessions.set(name, session)
    return session
  }

  /**
   * Refuses a new session, or a reset that must seed a data set of its own, while the heap is over
   * the cap and no idle session can make room.
   */
  #checkHeap(refused: string): void {
    const cap = this.limits.maxHeapBytes
    if (cap === undefined) return
    const used = globalThis.process?.memoryUsage?.().heapUsed
    if (used === undefined || used <= cap || this.dropIdle().length > 0) return
    const mb = (bytes: number) => Math.ceil(bytes / 2 ** 20)
    throw new MockStatusError(
      503,
      `the mock's heap holds ${mb(used)} MB, over the --max-heap-mb cap of ${mb(cap)} MB, so it ${refused}; delete one with DELETE /__mock/sessions/{name} or raise the cap`,
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
