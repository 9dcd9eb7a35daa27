import type { ClockMode } from './clock.ts'
import { type Coverage, coverage } from './coverage.ts'
import { InputError } from './errors.ts'
import { type FaultRule, type FaultRuleInput, withoutCounters } from './faults.ts'
import { compileGlob } from './glob.ts'
import type { JournalEntry, JournalQuery } from './journal.ts'
import type { ResetOptions, Start } from './reset-options.ts'
import { type RetryOptions, type RetryReport, retryChains } from './retries.ts'
import { pacer } from './seeded.ts'
import type { Session, SessionManager } from './session.ts'
import { type CollectionMap, exportCollectionsPaced, importCollections } from './state.ts'
import type { ApiStrings, MockState, MockStateInput, ParsedState } from './state-schema.ts'
import { closest } from './suggest.ts'
import type { AnyVendor } from './vendor.ts'

/** The programmatic face of one session. */
export interface MockSession<T extends ApiStrings = ApiStrings> {
  readonly name: string
  /** Resolves once the scenario has filled the stores. */
  readonly ready: Promise<void>
  /** The underlying session: stores, clock, random streams (for advanced use). */
  readonly raw: Session
  faults: {
    /** Validates and appends a rule; throws a `FaultRuleError` saying what is wrong. */
    add(rule: FaultRuleInput<T['pattern']>): FaultRule<T['pattern']>
    /** All or nothing: a bad rule throws and adds none. */
    addAll(rules: readonly FaultRuleInput<T['pattern']>[]): FaultRule<T['pattern']>[]
    list(): FaultRule<T['pattern']>[]
    remove(id: string): boolean
    clear(): void
  }
  journal: {
    /**
     * Entries matching the query, oldest first. Throws an `InputError` naming the pattern when
     * `operation` matches no operation (a misspelt id would otherwise match nothing, silently).
     */
    find(query?: JournalQuery<T['journalPattern'], T['vendor']>): JournalEntry[]
    clear(): void
    readonly size: number
    readonly dropped: number
  }
  /**
   * `{ chains }`: the retry chains in this session's journal (see `retryChains` in
   * core/retries.ts: linking, classification, outcome), oldest first, as `GET /__mock/retries`
   * answers. `operation` is a glob over operation ids; a glob matching no operation or a
   * `windowMs` that is not a whole number ≥ 0 throws an `InputError`.
   */
  retries(options?: RetryOptions & { operation?: T['journalPattern'] }): RetryReport
  /** Resilience coverage of the operations this session's journal holds (see core/coverage.ts). */
  coverage(): Coverage
  clock: {
    /** The session clock, ms since the epoch. */
    now(): number
    /** Throws an `InputError` for a negative step or one past 9999-12-31. */
    advance(ms: number): void
    /** An ISO-8601 date-time or ms since the epoch, up to 9999-12-31; else an `InputError`. */
    set(instant: number | string): void
    /** `step` (deterministic, 1 s per request) or `real` (wall time), see `MockOptions.clock`. */
    readonly mode: ClockMode
  }
  /**
   * Re-seeds this session from a scenario (default: its current one) and seed, clearing its fault
   * rules, journal and clock. Bad options reject the promise with an `InputError`.
   */
  reset(options?: ResetOptions): Promise<void>
  exportState(): Promise<MockState<T>>
  /**
   * Replaces stores, fault rules and clock; bad state rejects with an `InputError` (a
   * `FaultRuleError` for a bad rule) and leaves the session as it was.
   */
  importState(state: MockStateInput<T>): Promise<void>
}

/** What every session handle of one mock shares. */
export interface HandleContext {
  sessions: SessionManager
  vendors: readonly AnyVendor[]
  /** Operation ids a journal entry can have (`<vendor>.<operationId>`, `<vendor>.unmatched`). */
  journalOperations: readonly string[]
  /** Checks `reset()` options against the mock's scenarios (see `resetOptionsParser`). */
  resetOptions(input: unknown, current: Start): Start
  /** Checks a state document's outline (see `stateParser`). */
  parseState(state: unknown): ParsedState
}

/**
 * The handle of the session named `name`. Every call looks the session up by name, so a handle
 * stays valid when its session is dropped (a mock-wide reset, `DELETE /__mock/sessions/NAME`) and
 * is created again on first use.
 */
export class SessionHandle<T extends ApiStrings = ApiStrings> implements MockSession<T> {
  readonly faults: SessionFaults<T>
  readonly journal: SessionJournal<T>
  readonly clock: SessionClock

  constructor(
    readonly name: string,
    protected readonly context: HandleContext,
  ) {
    this.faults = new SessionFaults(this)
    this.journal = new SessionJournal(this, context)
    this.clock = new SessionClock(this)
    // Callable detached too (`const { reset } = mock`), as the methods of a plain object are.
    this.reset = this.reset.bind(this)
    this.exportState = this.exportState.bind(this)
    this.importState = this.importState.bind(this)
    this.retries = this.retries.bind(this)
    this.coverage = this.coverage.bind(this)
  }

  retries(options: RetryOptions & { operation?: T['journalPattern'] } = {}): RetryReport {
    const { operation, windowMs } = options
    if (windowMs !== undefined && !(Number.isSafeInteger(windowMs) && windowMs >= 0))
      throw new InputError(`windowMs must be a whole number of ms ≥ 0; got ${windowMs}`)
    if (operation !== undefined) checkOperationPattern(operation, this.context.journalOperations)
    const entries = this.raw.journal.find(operation === undefined ? {} : { operation })
    return { chains: retryChains(entries, options) }
  }

  coverage(): Coverage {
    return coverage(this.raw.journal.entries(), this.context.vendors)
  }

  get raw(): Session {
    return this.context.sessions.get(this.name)
  }

  get ready(): Promise<void> {
    return this.raw.ready
  }

  async reset(options?: ResetOptions): Promise<void> {
    const session = this.raw
    // Not after the reset in progress: a later reset overtakes it (see `Session.reset`).
    await session.reset(this.context.resetOptions(options, session))
  }

  async exportState(): Promise<MockState<T>> {
    const session = this.raw
    await session.ready
    const stores: MockState['stores'] = {}
    // Paced: copying a large session's records takes seconds, which other sessions must not wait.
    const pace = pacer()
    for (const vendor of this.context.vendors)
      stores[vendor.name] = await exportCollectionsPaced(
        session.store(vendor) as CollectionMap,
        pace,
      )
    return {
      version: 1,
      scenario: session.scenario,
      seed: session.seed,
      clock: session.clock.now(),
      faults: session.faults.list() as FaultRule<T['pattern']>[],
      stores,
    }
  }

  async importState(state: MockStateInput<T>): Promise<void> {
    const session = this.raw
    await session.ready
    const parsed = this.context.parseState(state)
    // Built aside and swapped in only once every part is valid.
    const fresh = new Map<string, unknown>()
    for (const vendor of this.context.vendors) {
      const data = parsed.stores[vendor.name]
      if (data === undefined) continue
      const store = vendor.createStore() as CollectionMap
      await importCollections(store, data, vendor.name)
      fresh.set(vendor.name, store)
    }
    const previous = session.faults.list().map(withoutCounters)
    const clock = session.clock.now()
    // The clock first: rules take `+DURATION` windows and quota windows from when they are added.
    if (parsed.clock !== undefined) session.clock.set(parsed.clock)
    session.faults.clear()
    try {
      const added = session.faults.addAll(parsed.faults)
      for (const [i, rule] of added.entries()) {
        const counters = parsed.counters[i]
        if (counters) session.faults.restoreCounters(rule.id, counters)
      }
    } catch (error) {
      session.clock.set(clock)
      session.faults.addAll(previous)
      throw error
    }
    session.replaceStores(fresh)
    session.supersede()
  }
}

// The members of a session handle. Their methods are arrow functions, callable detached
// (`const { now } = mock.clock`), as the methods of a plain object are.

/** What the members see of their handle: the session of its name, looked up on every call. */
interface Resolves {
  readonly raw: Session
}

/** A session's fault rules, as {@link MockSession.faults}. */
class SessionFaults<T extends ApiStrings> {
  readonly #handle: Resolves
  constructor(handle: Resolves) {
    this.#handle = handle
  }
  readonly add = (rule: FaultRuleInput<T['pattern']>): FaultRule<T['pattern']> =>
    this.#handle.raw.faults.add(rule) as FaultRule<T['pattern']>
  readonly addAll = (rules: readonly FaultRuleInput<T['pattern']>[]): FaultRule<T['pattern']>[] =>
    this.#handle.raw.faults.addAll([...rules]) as FaultRule<T['pattern']>[]
  readonly list = (): FaultRule<T['pattern']>[] =>
    this.#handle.raw.faults.list() as FaultRule<T['pattern']>[]
  readonly remove = (id: string): boolean => this.#handle.raw.faults.remove(id)
  readonly clear = (): void => this.#handle.raw.faults.clear()
}

/** A session's journal, as {@link MockSession.journal}: queries are checked against the mock. */
class SessionJournal<T extends ApiStrings> {
  readonly #handle: Resolves
  readonly #context: HandleContext
  constructor(handle: Resolves, context: HandleContext) {
    this.#handle = handle
    this.#context = context
  }
  readonly find = (query?: JournalQuery<T['journalPattern'], T['vendor']>): JournalEntry[] => {
    if (query?.operation !== undefined) {
      checkOperationPattern(query.operation, this.#context.journalOperations)
    }
    const vendors = this.#context.vendors.map((v) => v.name)
    if (query?.vendor !== undefined && !vendors.includes(query.vendor)) {
      throw new InputError(`vendor "${query.vendor}" is not one of ${vendors.join(', ')}`)
    }
    return this.#handle.raw.journal.find(query)
  }
  readonly clear = (): void => this.#handle.raw.journal.clear()
  get size(): number {
    return this.#handle.raw.journal.size
  }
  get dropped(): number {
    return this.#handle.raw.journal.dropped
  }
}

/** A session's clock, as {@link MockSession.clock}. */
class SessionClock {
  readonly #handle: Resolves
  constructor(handle: Resolves) {
    this.#handle = handle
  }
  readonly now = (): number => this.#handle.raw.clock.now()
  readonly advance = (ms: number): void => this.#handle.raw.clock.advance(ms)
  readonly set = (instant: number | string): void => {
    if (typeof instant === 'string' && !Number.isFinite(Date.parse(instant))) {
      throw new InputError(
        `set() takes an ISO-8601 date-time or ms since the epoch; got ${JSON.stringify(instant.slice(0, 64))}`,
      )
    }
    this.#handle.raw.clock.set(typeof instant === 'string' ? Date.parse(instant) : instant)
  }
  get mode(): ClockMode {
    return this.#handle.raw.clock.mode
  }
}

/** Refuses an operation glob that matches none of `ids`, suggesting the closest id. */
function checkOperationPattern(pattern: string, ids: readonly string[]): void {
  const glob = compileGlob(pattern)
  if (ids.some((id) => glob.test(id))) return
  // Edit distance costs the product of the lengths: a long pattern is no typo of an id.
  const nearest = pattern.length <= 256 ? closest(pattern, ids) : undefined
  throw new InputError(
    `operation "${pattern.slice(0, 256)}" matches no operation${nearest ? `; did you mean "${nearest}"?` : ''} (the ids are listed by GET /__mock/health)`,
  )
}
