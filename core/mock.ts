import type { HttpHandler } from 'msw'
import { DEFAULT_MAX_BODY_BYTES } from './body.ts'
import type { ClockOptions } from './clock.ts'
import { operationFacts } from './fault-match.ts'
import { DEFAULT_JOURNAL_LIMIT } from './journal.ts'
import { DEFAULT_JOURNALS_BYTES, JournalBudget } from './journal-budget.ts'
import { createFallbackIds, type Runtime } from './pipeline/index.ts'
import { routingHandler } from './pipeline/routing.ts'
import { createProxyRuntime } from './proxy/runtime.ts'
import type { ProxyAdapters, ProxyOptions } from './proxy/types.ts'
import { type ResetOptions, resetOptionsParser } from './reset-options.ts'
import type { Scenario } from './scenario.ts'
import { DEFAULT_SESSION, SessionManager } from './session.ts'
import { type HandleContext, type MockSession, SessionHandle } from './session-handle.ts'
import { type ApiStrings, stateParser } from './state-schema.ts'
import type { AnyVendor } from './vendor.ts'

export type { ResetOptions } from './reset-options.ts'
export type { MockSession } from './session-handle.ts'
export type { ApiStrings, MockState, MockStateInput } from './state-schema.ts'

/** Options of a mock (`createMock`, `startMock`, the CLI); every one has a sensible default. */
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
  /**
   * The session clocks: `'real'` (wall time from the scenario's start, see {@link ClockOptions}
   * `mode`) or options; default the deterministic step clock (1 s per request).
   */
  clock?: ClockOptions | 'real'
  /** Proxy mode: vendors answered by their real services, validated and optionally recorded. */
  proxy?: ProxyOptions
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
   * reject the promise with an `InputError` and change nothing.
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

/**
 * A mock: vendors, scenarios and the pipeline wired into sessions of its own. It is the handle of
 * the default session (`mock.faults`, `mock.journal`, …) plus what the whole mock has; its own
 * `reset` is mock-wide, `mock.session('default').reset()` the per-session one. The library's
 * `Mock` extends it with typed stores.
 * @throws InputError for an unknown scenario or a bad seed, RangeError for a bad proxy or
 *   `baseUrls` option
 */
export class MockHandle<T extends ApiStrings = ApiStrings>
  extends SessionHandle<T>
  implements BuiltMock<T>
{
  readonly handlers: HttpHandler[]
  readonly runtime: Runtime
  readonly options: { scenario: string; seed: number; auth: boolean }
  readonly vendors: readonly AnyVendor[]
  readonly scenarios: ReadonlyMap<string, Scenario>
  readonly operationIds: readonly string[]
  readonly #handles = new Map<string, MockSession<T>>()

  constructor(registry: MockRegistry, options: MockOptions = {}) {
    const scenarios = new Map(
      [
        ...registry.scenarios,
        ...(options.scenarios ?? []),
        ...(typeof options.scenario === 'object' ? [options.scenario] : []),
      ].map((s) => [s.name, s]),
    )
    const resetOptions = resetOptionsParser(scenarios)
    const start = resetOptions(
      { scenario: options.scenario, seed: options.seed },
      { scenario: 'default', seed: 1 },
    )
    const vendorNames = registry.vendors.map((v) => v.name)
    for (const name of Object.keys(options.baseUrls ?? {})) {
      if (!vendorNames.includes(name))
        throw new RangeError(`baseUrls names an unknown vendor "${name}"`)
    }
    const operationIds = registry.vendors.flatMap((v) =>
      v.operations.map((op) => `${v.name}.${op.id}`),
    )
    const auth = options.auth ?? true
    const sessions = new SessionManager(
      {
        vendors: registry.vendors,
        scenarios,
        ...start,
        auth,
        clock: options.clock === 'real' ? { mode: 'real' } : (options.clock ?? {}),
        journalLimit: options.journalLimit ?? DEFAULT_JOURNAL_LIMIT,
        journalBudget: new JournalBudget(options.journalsMaxBytes ?? DEFAULT_JOURNALS_BYTES),
        operationIds,
        operationFacts: new Map(
          registry.vendors.flatMap((v) =>
            v.operations.map((op) => [`${v.name}.${op.id}`, operationFacts(op)] as const),
          ),
        ),
      },
      {
        maxSessions: options.maxSessions ?? 100,
        idleMs: options.sessionIdleMs ?? 30 * 60_000,
        maxHeapBytes: options.maxHeapBytes,
      },
    )
    const context: HandleContext = {
      sessions,
      vendors: registry.vendors,
      journalOperations: [
        ...operationIds,
        // What the journal names requests under a vendor's prefixes that match no operation.
        ...vendorNames.map((name) => `${name}.unmatched`),
      ],
      resetOptions,
      parseState: stateParser(vendorNames),
    }
    super(DEFAULT_SESSION, context)
    this.#handles.set(DEFAULT_SESSION, new SessionHandle<T>(DEFAULT_SESSION, context))
    this.session = this.session.bind(this)
    this.runtime = {
      sessions,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      timeoutCeilingMs: options.timeoutCeilingMs ?? 120_000,
      fallbackIds: createFallbackIds(start.seed),
      proxy: options.proxy
        ? createProxyRuntime(options.proxy, registry.vendors, registry.proxyAdapters ?? {})
        : undefined,
    }
    this.options = { ...start, auth }
    this.vendors = registry.vendors
    this.scenarios = scenarios
    this.operationIds = operationIds
    // Vendor operations first: they are the hot path, and msw tries handlers in order.
    this.handlers = [
      routingHandler(registry.vendors, this.runtime, options.baseUrls),
      ...registry.controlHandlers(this as BuiltMock),
    ]
  }

  session(name: string): MockSession<T> {
    let handle = this.#handles.get(name)
    if (!handle) {
      this.context.sessions.get(name) // refuses a bad name now rather than on first use
      handle = new SessionHandle<T>(name, this.context)
      this.#handles.set(name, handle)
    }
    return handle
  }

  override async reset(input?: ResetOptions): Promise<void> {
    const { sessions } = this.context
    const chosen = this.context.resetOptions(input, this.options)
    sessions.settings.scenario = this.options.scenario = chosen.scenario
    sessions.settings.seed = this.options.seed = chosen.seed
    for (const name of sessions.names()) {
      if (name !== DEFAULT_SESSION) sessions.delete(name)
    }
    const session = sessions.get(DEFAULT_SESSION)
    await session.ready.catch(() => {})
    await session.reset(chosen)
  }
}
