import { type BuiltMock, buildMock, type MockOptions } from './core/mock.ts'
import {
  controlHandlers,
  cycle,
  type MockDb,
  rhacs,
  snowflake,
  swr,
  vendors,
} from './handlers/index.ts'
import { proxyAdapters } from './handlers/proxy.ts'
import { scenarios } from './scenarios/index.ts'

export type { FaultRule, FaultRuleInput } from './core/faults.ts'
export type { JournalEntry, JournalQuery } from './core/journal.ts'
export type { MockOptions, MockSession, MockState } from './core/mock.ts'
export type { ProxyOptions } from './core/proxy/types.ts'
export type { Scenario, World } from './core/scenario.ts'
export type { ScenarioOptions } from './core/vendor.ts'
export type { MockDb } from './handlers/index.ts'
export { seedEveryVendor } from './scenarios/every-vendor.ts'
export { scenarios, vendors }

/** An in-process mock: hand `mock.handlers` to msw's `setupServer` or `setupWorker`. */
export interface Mock extends BuiltMock {
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
  const built = buildMock({ vendors, scenarios, controlHandlers, proxyAdapters }, options)
  const dbOf = (name: string): MockDb => {
    const session = built.session(name).raw
    return {
      snowflake: session.store(snowflake),
      cycle: session.store(cycle),
      rhacs: session.store(rhacs),
      swr: session.store(swr),
    }
  }
  return Object.defineProperties(built as Mock, {
    db: { get: () => dbOf('default'), enumerable: true },
    dbOf: { value: dbOf, enumerable: true },
  })
}
