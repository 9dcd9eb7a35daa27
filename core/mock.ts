import type { HttpHandler } from 'msw'
import { DEFAULT_MAX_BODY_BYTES } from './body.ts'
import type { ClockOptions } from './clock.ts'
import type { FaultRule, FaultRuleInput } from './faults.ts'
import { compileGlob } from './glob.ts'
import { DEFAULT_JOURNAL_LIMIT, type JournalEntry, type JournalQuery } from './journal.ts'
import { DEFAULT_JOURNALS_BYTES, JournalBudget } from './journal-budget.ts'
import { createFallbackIds, type Runtime } from './pipeline/index.ts'
import { routingHandler } from './pipeline/routing.ts'
import { createProxyRuntime } from './proxy/runtime.ts'
import type { ProxyAdapters, ProxyOptions } from './proxy/types.ts'
import type { Scenario } from './scenario.ts'
import { DEFAULT_SESSION, type Session, SessionManager } from './session.ts'
import { type CollectionMap, exportCollections, importCollections } from './state.ts'
import type { AnyVendor } from './vendor.ts'

/** Options of {@link buildMock}; every one has a sensible default. */
export interface MockOptions {
  /** Scenario new sessions start from (default `default`): a name, or a scenario of your own. */
  scenario?: string | Scenario
  /** More scenarios that sessions may be reset to (`POST /__mock/reset {"scenario": name}`). */
  scenarios?: readonly Scenario[]
  /** Seed of every random stream (default 1). */
  seed?: number
  /** `false` accepts requests without credentials (the CLI's `--auth off`). */
  auth?: boolean
  /** Serve a vendor only at this origin, e.g. `{ cycle: 'https://api.cycle.io' }`; default: any origin. */
  baseUrls?: Record<string, string>
  maxSessions?: number
  /** JS heap bytes above which new sessions get a 503 (default: no cap); see {@link SessionLimits}. */
  maxHeapBytes?: number
  sessionIdleMs?: number
  journalLimit?: number
  /**
   * Bytes the journals of all sessions hold at most together (default
   * {@link DEFAULT_JOURNALS_BYTES}, 256 MB); the largest journal sheds its oldest entries first.
   */
  journalsMaxBytes?: number
  maxBodyBytes?: number
  timeoutCeilingMs?: number
  clock?: ClockOptions
  /** Proxy mode: vendors answered by their real services, validated and optionally recorded. */
  proxy?: ProxyOptions
}

/**
 * The string types a mock's API takes. The core leaves them `string`; the library narrows them to
 * its operation ids and globs and its vendor names, so misspelt ones are compile errors.
 */
export interface ApiStrings {
  /** `match.operation` of fault rules. */
  pattern: string
  /** `operation` of journal queries and matchers (also `<vendor>.unmatched`). */
  journalPattern: string
  /** `vendor` of journal queries. */
  vendor: string
}

/** A session's exported state: enough to rebuild it elsewhere. */
export interface MockState<T extends ApiStrings = ApiStrings> {
  version: 1
  scenario: string
  seed: number
  /** The session clock, ms since the epoch. */
  clock: number
  faults: FaultRule<T['pattern']>[]
  /** Records by vendor, then by collection. */
  stores: Record<string, Record<string, unknown[]>>
}

/**
 * What `importState` takes: a {@link MockState} as `exportState()` or `GET /__mock/state` gives
 * it; fault counters are optional (they restart at 0) and vendors left out keep their stores.
 */
export interface MockStateInput<T extends ApiStrings = ApiStrings> {
  version?: 1
  scenario?: string
  seed?: number
  clock?: number
  faults?: Array<FaultRuleInput<T['pattern']> & { matched?: number; fired?: number }>
  stores: Record<string, Record<string, unknown[]>>
}

/** What `reset()` takes: the scenario (a name, or a scenario object as `createMock` takes) and seed. */
export interface ResetOptions {
  scenario?: string | Scenario
  seed?: number
}

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
     * Entries matching the query, oldest first. Throws a `RangeError` naming the pattern when
     * `operation` matches no operation (a misspelt id would otherwise match nothing, silently).
     */
    find(query?: JournalQuery<T['journalPattern'], T['vendor']>): JournalEntry[]
    clear(): void
    readonly size: number
    readonly dropped: number
  }
  clock: {
    /** The session clock, ms since the epoch. */
    now(): number
    advance(ms: number): void
    set(instant: number | string): void
  }
  /**
   * Re-seeds this session from a scenario (default: its current one) and seed, clearing its fault
   * rules, journal and clock. Bad options reject the promise.
   */
  reset(options?: ResetOptions): Promise<void>
  exportState(): Promise<MockState<T>>
  /** Replaces stores, fault rules and clock; bad state rejects and leaves the session as it was. */
  importState(state: MockStateInput<T>): Promise<void>
}

/** What a vendor list and scenario map become: handlers plus the default session's face. */
export interface BuiltMock<T extends ApiStrings = ApiStrings> extends MockSession<T> {
  handlers: HttpHandler[]
  runtime: Runtime
  /** The scenario and seed sessions start from (a mock-wide `reset(options)` changes them). */
  options: { scenario: string; seed: number; auth: boolean }
  vendors: readonly AnyVendor[]
  scenarios: ReadonlyMap<string, Scenario>
  /** `<vendor>.<operationId>` of every operation served. */
  operationIds: readonly string[]
  /** The face of another session (created on first use), as `X-Mock-Session: name` selects it. */
  session(name: string): MockSession<T>
  /**
   * The mock-wide "start again": drops every session but `default` and re-seeds `default`, so
   * every session starts afresh from the scenario and seed (data, fault rules, journal, clock).
   * `options` (as `createMock` takes them; default: the mock's current ones) become the mock's
   * scenario and seed for sessions created afterwards. Session faces held from before keep
   * working: they act on the session of their name, created again on first use. Bad options
   * reject the promise and change nothing.
   */
  reset(options?: ResetOptions): Promise<void>
}

/** Ingredients that the library entry supplies. */
export interface MockRegistry {
  vendors: readonly AnyVendor[]
  scenarios: readonly Scenario[]
  /** The control API's handlers, given the built mock. */
  controlHandlers(mock: BuiltMock): HttpHandler[]
  /** Each vendor's proxy adapter (ingest, streaming, re-signing), for proxy mode. */
  proxyAdapters?: ProxyAdapters
}

/** Wires vendors, scenarios and the pipeline into one mock with its own sessions. */
export function buildMock(registry: MockRegistry, options: MockOptions = {}): BuiltMock {
  const custom = [
    ...(options.scenarios ?? []),
    ...(typeof options.scenario === 'object' ? [options.scenario] : []),
  ]
  const scenarios = new Map([...registry.scenarios, ...custom].map((s) => [s.name, s]))
  const scenario =
    typeof options.scenario === 'object' ? options.scenario.name : (options.scenario ?? 'default')
  if (!scenarios.has(scenario)) {
    throw new RangeError(
      `unknown scenario "${scenario}"; known scenarios: ${[...scenarios.keys()].join(', ')}`,
    )
  }
  const seed = options.seed ?? 1
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295; got ${seed}`)
  }
  const knownVendors = new Set(registry.vendors.map((v) => v.name))
  for (const name of Object.keys(options.baseUrls ?? {})) {
    if (!knownVendors.has(name)) throw new RangeError(`baseUrls names an unknown vendor "${name}"`)
  }
  const operationIds = registry.vendors.flatMap((v) =>
    v.operations.map((op) => `${v.name}.${op.id}`),
  )
  const sessions = new SessionManager(
    {
      vendors: registry.vendors,
      scenarios,
      scenario,
      seed,
      auth: options.auth ?? true,
      clock: options.clock ?? {},
      journalLimit: options.journalLimit ?? DEFAULT_JOURNAL_LIMIT,
      journalBudget: new JournalBudget(options.journalsMaxBytes ?? DEFAULT_JOURNALS_BYTES),
      operationIds,
      operationStatuses: new Map(
        registry.vendors.flatMap((v) =>
          v.operations.flatMap((op) => (op.statuses ? [[`${v.name}.${op.id}`, op.statuses]] : [])),
        ),
      ),
    },
    {
      maxSessions: options.maxSessions ?? 100,
      idleMs: options.sessionIdleMs ?? 30 * 60_000,
      maxHeapBytes: options.maxHeapBytes,
    },
  )
  const runtime: Runtime = {
    sessions,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    timeoutCeilingMs: options.timeoutCeilingMs ?? 120_000,
    fallbackIds: createFallbackIds(seed),
    proxy: options.proxy
      ? createProxyRuntime(options.proxy, registry.vendors, registry.proxyAdapters ?? {})
      : undefined,
  }
  const known = new Set([
    ...operationIds,
    ...registry.vendors.map((v) => `${v.name}.${UNMATCHED_OPERATION}`),
  ])
  const context: FaceContext = {
    vendors: registry.vendors,
    vendorNames: knownVendors,
    journalOperations: [...known],
    resetOptions: (input, current) => resetOptions(input, current, scenarios),
  }
  const faces = new Map<string, MockSession>()
  const faceOf = (name: string): MockSession => {
    let face = faces.get(name)
    if (!face) {
      sessions.get(name) // refuses a bad name now rather than on first use
      face = sessionFace(name, () => sessions.get(name), context)
      faces.set(name, face)
    }
    return face
  }
  const options_ = { scenario, seed, auth: options.auth ?? true }
  // The mock is a face of the default session (its getters stay live) plus what the whole mock
  // has; its own reset is mock-wide, `mock.session('default').reset()` the per-session one.
  const mock: BuiltMock = Object.assign(
    sessionFace(DEFAULT_SESSION, () => sessions.get(DEFAULT_SESSION), context),
    {
      handlers: [] as HttpHandler[],
      runtime,
      options: options_,
      vendors: registry.vendors,
      scenarios,
      operationIds,
      session: faceOf,
      async reset(input?: ResetOptions) {
        const chosen = context.resetOptions(input, options_)
        sessions.settings.scenario = options_.scenario = chosen.scenario
        sessions.settings.seed = options_.seed = chosen.seed
        for (const name of sessions.names()) {
          if (name !== DEFAULT_SESSION) sessions.delete(name)
        }
        const session = sessions.get(DEFAULT_SESSION)
        await session.ready.catch(() => {})
        await session.reset(chosen)
      },
    },
  )
  // Vendor operations first: they are the hot path, and msw tries handlers in order.
  mock.handlers = [
    routingHandler(registry.vendors, runtime, options.baseUrls),
    ...registry.controlHandlers(mock),
  ]
  return mock
}

/** The operation id the journal gives requests under a vendor's prefixes that match no operation. */
const UNMATCHED_OPERATION = 'unmatched'

/** What every session face of one mock shares. */
interface FaceContext {
  vendors: readonly AnyVendor[]
  vendorNames: ReadonlySet<string>
  /** Operation ids a journal entry can have. */
  journalOperations: readonly string[]
  resetOptions(
    input: unknown,
    current: { scenario: string; seed: number },
  ): { scenario: string; seed: number }
}

/**
 * Checks `reset()` options and registers a scenario object; throws a TypeError/RangeError saying
 * what is wrong. Omitted fields keep `current`.
 */
function resetOptions(
  input: unknown,
  current: { scenario: string; seed: number },
  scenarios: Map<string, Scenario>,
): { scenario: string; seed: number } {
  if (input === undefined) return { ...current }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('reset options must be an object such as { scenario: "empty", seed: 2 }')
  }
  const unknown = Object.keys(input).filter((k) => k !== 'scenario' && k !== 'seed')
  if (unknown.length > 0) {
    throw new TypeError(`reset options take scenario and seed; unknown: ${unknown.join(', ')}`)
  }
  const { scenario = current.scenario, seed = current.seed } = input as ResetOptions
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295; got ${String(seed)}`)
  }
  if (typeof scenario === 'object' && scenario !== null) {
    if (typeof scenario.name !== 'string' || typeof scenario.seed !== 'function') {
      throw new TypeError('a scenario object needs a name and a seed(world) function')
    }
    // As in createMock: a scenario object of a known name replaces it.
    scenarios.set(scenario.name, scenario)
    return { scenario: scenario.name, seed }
  }
  if (typeof scenario !== 'string' || !scenarios.has(scenario)) {
    throw new RangeError(
      `unknown scenario ${JSON.stringify(scenario)}; known scenarios: ${[...scenarios.keys()].join(', ')}`,
    )
  }
  return { scenario, seed }
}

/** Refuses an operation glob that matches none of `ids`, suggesting the closest id. */
function checkOperationPattern(pattern: string, ids: readonly string[]): void {
  const glob = compileGlob(pattern)
  if (ids.some((id) => glob.test(id))) return
  const nearest = pattern.length <= 256 ? closest(pattern, ids) : undefined
  throw new RangeError(
    `operation "${pattern.slice(0, 256)}" matches no operation${nearest ? `; did you mean "${nearest}"?` : ''} (the ids are listed by GET /__mock/health)`,
  )
}

/** The id nearest to `pattern` by edit distance, when it is plausibly a typo of it. */
function closest(pattern: string, ids: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const id of ids) {
    const d = editDistance(pattern.toLowerCase(), id.toLowerCase())
    if (d < bestDistance) {
      best = id
      bestDistance = d
    }
  }
  return bestDistance <= Math.max(2, Math.floor(pattern.length / 4)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
    }
    previous = row
  }
  return previous[b.length] as number
}

/**
 * The face of the session named `name`. It looks the session up on every call, so it stays valid
 * when the session is dropped (a mock-wide reset, `DELETE /__mock/sessions/NAME`) and created again.
 */
function sessionFace(name: string, resolve: () => Session, context: FaceContext): MockSession {
  const { vendors } = context
  return {
    name,
    get ready() {
      return resolve().ready
    },
    get raw() {
      return resolve()
    },
    faults: {
      add: (rule) => resolve().faults.add(rule),
      addAll: (rules) => resolve().faults.addAll([...rules]),
      list: () => resolve().faults.list(),
      remove: (id) => resolve().faults.remove(id),
      clear: () => resolve().faults.clear(),
    },
    journal: {
      find: (query) => {
        if (query?.operation !== undefined) {
          checkOperationPattern(query.operation, context.journalOperations)
        }
        if (query?.vendor !== undefined && !context.vendorNames.has(query.vendor)) {
          throw new RangeError(
            `vendor "${query.vendor}" is not one of ${[...context.vendorNames].join(', ')}`,
          )
        }
        return resolve().journal.find(query)
      },
      clear: () => resolve().journal.clear(),
      get size() {
        return resolve().journal.size
      },
      get dropped() {
        return resolve().journal.dropped
      },
    },
    clock: {
      now: () => resolve().clock.now(),
      advance: (ms) => resolve().clock.advance(ms),
      set: (instant) =>
        resolve().clock.set(typeof instant === 'string' ? Date.parse(instant) : instant),
    },
    async reset(options) {
      const session = resolve()
      const chosen = context.resetOptions(options, session)
      await session.ready.catch(() => {})
      await session.reset(chosen)
    },
    async exportState() {
      const session = resolve()
      await session.ready
      const stores: MockState['stores'] = {}
      for (const vendor of vendors)
        stores[vendor.name] = exportCollections(session.store(vendor) as CollectionMap)
      return {
        version: 1,
        scenario: session.scenario,
        seed: session.seed,
        clock: session.clock.now(),
        faults: session.faults.list(),
        stores,
      }
    },
    async importState(state) {
      const session = resolve()
      await session.ready
      const parsed = parseState(state)
      const fresh = new Map<string, unknown>()
      for (const vendor of vendors) {
        const data = parsed.stores[vendor.name]
        if (data === undefined) continue
        const store = vendor.createStore() as CollectionMap
        await importCollections(store, data, vendor.name)
        fresh.set(vendor.name, store)
      }
      const unknown = Object.keys(parsed.stores).filter(
        (name) => !vendors.some((v) => v.name === name),
      )
      if (unknown.length > 0)
        throw new TypeError(`state.stores names unknown vendors: ${unknown.join(', ')}`)
      const rules = parsed.faults.map(({ matched: _m, fired: _f, ...rule }) => rule)
      const previous = session.faults.list().map(({ matched: _m, fired: _f, ...rule }) => rule)
      session.faults.clear()
      try {
        session.faults.addAll(rules)
      } catch (error) {
        session.faults.addAll(previous)
        throw error
      }
      session.replaceStores(fresh)
      if (parsed.clock !== undefined) session.clock.set(parsed.clock)
    },
  }
}

function parseState(state: unknown): {
  stores: Record<string, unknown>
  faults: Array<Record<string, unknown>>
  clock?: number
} {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new TypeError('state must be a JSON object as GET /__mock/state returns it')
  }
  if (typeof (state as { then?: unknown }).then === 'function') {
    throw new TypeError(
      'state is a Promise: exportState() is async, so pass `await mock.exportState()`',
    )
  }
  const { stores, faults = [], clock, version, scenario, seed } = state as Record<string, unknown>
  // Not used on import, but a document that states them wrongly is not what exportState wrote.
  if (version !== undefined && version !== 1) {
    throw new TypeError(
      `state.version must be 1 (this version's format); got ${JSON.stringify(version)}`,
    )
  }
  if (scenario !== undefined && typeof scenario !== 'string') {
    throw new TypeError('state.scenario must be a scenario name (a string)')
  }
  if (seed !== undefined && !(Number.isSafeInteger(seed) && (seed as number) >= 0)) {
    throw new TypeError(`state.seed must be a whole number; got ${JSON.stringify(seed)}`)
  }
  if (typeof stores !== 'object' || stores === null || Array.isArray(stores)) {
    throw new TypeError('state.stores must be an object keyed by vendor')
  }
  if (!Array.isArray(faults)) throw new TypeError('state.faults must be an array of fault rules')
  if (clock !== undefined && (typeof clock !== 'number' || !Number.isFinite(clock))) {
    throw new TypeError('state.clock must be a number of ms since the epoch')
  }
  return {
    stores: stores as Record<string, unknown>,
    faults: faults as Array<Record<string, unknown>>,
    clock,
  }
}
