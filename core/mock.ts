import type { HttpHandler } from 'msw'
import { DEFAULT_MAX_BODY_BYTES } from './body.ts'
import type { ClockOptions } from './clock.ts'
import type { FaultRule } from './faults.ts'
import { DEFAULT_JOURNAL_LIMIT, type JournalEntry, type JournalQuery } from './journal.ts'
import { createFallbackIds, type Runtime } from './pipeline/index.ts'
import { routingHandler } from './pipeline/routing.ts'
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
  sessionIdleMs?: number
  journalLimit?: number
  maxBodyBytes?: number
  timeoutCeilingMs?: number
  clock?: ClockOptions
}

/** A session's exported state: enough to rebuild it elsewhere. */
export interface MockState {
  version: 1
  scenario: string
  seed: number
  clock: number
  faults: FaultRule[]
  stores: Record<string, Record<string, unknown[]>>
}

/** The programmatic face of one session. */
export interface MockSession {
  readonly name: string
  /** Resolves once the scenario has filled the stores. */
  readonly ready: Promise<void>
  /** The underlying session: stores, clock, random streams (for advanced use). */
  readonly raw: Session
  faults: {
    add(rule: unknown): FaultRule
    addAll(rules: unknown[]): FaultRule[]
    list(): FaultRule[]
    remove(id: string): boolean
    clear(): void
  }
  journal: {
    find(query?: JournalQuery): JournalEntry[]
    clear(): void
    readonly size: number
    readonly dropped: number
  }
  clock: {
    now(): number
    advance(ms: number): void
    set(instant: number | string): void
  }
  reset(options?: { scenario?: string; seed?: number }): Promise<void>
  exportState(): Promise<MockState>
  importState(state: unknown): Promise<void>
}

/** What a vendor list and scenario map become: handlers plus the default session's face. */
export interface BuiltMock extends MockSession {
  handlers: HttpHandler[]
  runtime: Runtime
  options: { scenario: string; seed: number; auth: boolean }
  vendors: readonly AnyVendor[]
  scenarios: ReadonlyMap<string, Scenario>
  /** The face of another session (created on first use), as `X-Mock-Session: name` selects it. */
  session(name: string): MockSession
}

/** Ingredients that the library entry supplies. */
export interface MockRegistry {
  vendors: readonly AnyVendor[]
  scenarios: readonly Scenario[]
  /** The control API's handlers, given the built mock. */
  controlHandlers(mock: BuiltMock): HttpHandler[]
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
      operationIds,
      operationStatuses: new Map(
        registry.vendors.flatMap((v) =>
          v.operations.flatMap((op) => (op.statuses ? [[`${v.name}.${op.id}`, op.statuses]] : [])),
        ),
      ),
    },
    { maxSessions: options.maxSessions ?? 100, idleMs: options.sessionIdleMs ?? 30 * 60_000 },
  )
  const runtime: Runtime = {
    sessions,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    timeoutCeilingMs: options.timeoutCeilingMs ?? 120_000,
    fallbackIds: createFallbackIds(seed),
  }
  const faces = new Map<string, MockSession>()
  const faceOf = (name: string): MockSession => {
    let face = faces.get(name)
    if (!face || face.raw !== sessions.get(name)) {
      face = sessionFace(sessions.get(name), registry.vendors)
      faces.set(name, face)
    }
    return face
  }
  // The mock is the default session's face (its getters stay live) plus what the whole mock has.
  const mock: BuiltMock = Object.assign(faceOf(DEFAULT_SESSION), {
    handlers: [] as HttpHandler[],
    runtime,
    options: { scenario, seed, auth: options.auth ?? true },
    vendors: registry.vendors,
    scenarios,
    session: faceOf,
  })
  // Vendor operations first: they are the hot path, and msw tries handlers in order.
  mock.handlers = [
    routingHandler(registry.vendors, runtime, options.baseUrls),
    ...registry.controlHandlers(mock),
  ]
  return mock
}

function sessionFace(session: Session, vendors: readonly AnyVendor[]): MockSession {
  return {
    name: session.name,
    get ready() {
      return session.ready
    },
    raw: session,
    faults: {
      add: (rule) => session.faults.add(rule),
      addAll: (rules) => session.faults.addAll(rules),
      list: () => session.faults.list(),
      remove: (id) => session.faults.remove(id),
      clear: () => session.faults.clear(),
    },
    journal: {
      find: (query) => session.journal.find(query),
      clear: () => session.journal.clear(),
      get size() {
        return session.journal.size
      },
      get dropped() {
        return session.journal.dropped
      },
    },
    clock: {
      now: () => session.clock.now(),
      advance: (ms) => session.clock.advance(ms),
      set: (instant) =>
        session.clock.set(typeof instant === 'string' ? Date.parse(instant) : instant),
    },
    reset: (options) => session.reset(options),
    async exportState() {
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
  faults: FaultRule[]
  clock?: number
} {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new TypeError('state must be a JSON object as GET /__mock/state returns it')
  }
  const { stores, faults = [], clock } = state as Record<string, unknown>
  if (typeof stores !== 'object' || stores === null || Array.isArray(stores)) {
    throw new TypeError('state.stores must be an object keyed by vendor')
  }
  if (!Array.isArray(faults)) throw new TypeError('state.faults must be an array of fault rules')
  if (clock !== undefined && (typeof clock !== 'number' || !Number.isFinite(clock))) {
    throw new TypeError('state.clock must be a number of ms since the epoch')
  }
  return { stores: stores as Record<string, unknown>, faults: faults as FaultRule[], clock }
}
