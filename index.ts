import type {
  FaultRule as CoreFaultRule,
  FaultRuleInput as CoreFaultRuleInput,
} from './core/faults.ts'
import type { JournalQuery as CoreJournalQuery } from './core/journal.ts'
import {
  type BuiltMock,
  type MockSession as CoreMockSession,
  type MockState as CoreMockState,
  type MockStateInput as CoreMockStateInput,
  MockHandle,
  type MockOptions,
} from './core/mock.ts'
import {
  controlHandlers,
  type MockDb,
  proxyAdapters,
  registrations,
  vendors,
} from './handlers/index.ts'
import type {
  JournalOperationPattern,
  OperationPattern,
  VendorName,
} from './handlers/operation-ids.ts'
import { scenarios } from './scenarios/index.ts'

export type { FaultEffectInput } from './core/faults.ts'
export type { JournalEntry } from './core/journal.ts'
export type { MockOptions, ResetOptions } from './core/mock.ts'
export type { ProxyOptions } from './core/proxy/types.ts'
export type {
  Backoff,
  RetryAttempt,
  RetryChain,
  RetryOptions,
  RetryOutcome,
  RetryReport,
} from './core/retries.ts'
export type { Scenario, World } from './core/scenario.ts'
export type { ScenarioOptions } from './core/vendor.ts'
export type { MockDb } from './handlers/index.ts'
export type {
  JournalOperationPattern,
  OperationId,
  OperationPattern,
  VendorName,
} from './handlers/operation-ids.ts'
export { seedEveryVendor } from './scenarios/every-vendor.ts'
export { scenarios, vendors }

/** The string types this library's API takes: its operation ids and globs, its vendor names. */
export interface RegistryStrings {
  pattern: OperationPattern
  journalPattern: JournalOperationPattern
  vendor: VendorName
}

/** One session of a {@link Mock}: fault rules, journal, clock, reset and state, typed. */
export type MockSession = CoreMockSession<RegistryStrings>
/** A fault rule as `mock.faults.add()` and `POST /__mock/faults` take it. */
export type FaultRuleInput = CoreFaultRuleInput<OperationPattern>
/** A stored fault rule with its `matched` and `fired` counters. */
export type FaultRule = CoreFaultRule<OperationPattern>
/** Filters of `mock.journal.find()`. */
export type JournalQuery = CoreJournalQuery<JournalOperationPattern, VendorName>
/** A session's state as `exportState()` gives it. */
export type MockState = CoreMockState<RegistryStrings>
/** What `importState()` takes (a {@link MockState}; counters optional). */
export type MockStateInput = CoreMockStateInput<RegistryStrings>

/** An in-process mock: hand `mock.handlers` to msw's `setupServer` or `setupWorker`. */
export interface Mock extends BuiltMock<RegistryStrings> {
  /** The default session's stores, by vendor (filled once `await mock.ready` resolves). */
  readonly db: MockDb
  /** The stores of another session. */
  dbOf(session: string): MockDb
}

/**
 * Creates an isolated mock of all four vendors. Every call is its own world: its own sessions,
 * stores, fault rules, journals and clocks.
 */
export function createMock(options: MockOptions = {}): Mock {
  return new RegistryMock(options)
}

/** This library's mock: the core's, with the four vendors and each session's stores typed. */
class RegistryMock extends MockHandle<RegistryStrings> implements Mock {
  constructor(options: MockOptions) {
    super({ vendors, scenarios, controlHandlers, proxyAdapters }, options)
  }

  get db(): MockDb {
    return this.dbOf('default')
  }

  dbOf(session: string): MockDb {
    const raw = this.session(session).raw
    return Object.fromEntries(
      registrations.map(({ key, vendor }) => [key, raw.store(vendor)]),
    ) as MockDb
  }
}
