/**
 * Type-level tests, checked by `tsc --noEmit` (part of `npm test`); nothing here runs. Every
 * `@ts-expect-error` line must fail to compile (tsc reports an unused directive otherwise), and
 * every other line must compile.
 */
import { expect } from 'vitest'
import type {
  FaultRuleInput,
  JournalOperationPattern,
  Mock,
  MockSession,
  MockState,
  OperationId,
  OperationPattern,
  RetryChain,
  RetryReport,
} from '../../index.ts'
import '../../matchers.ts'
import { fixtureFaker, snowflakeFixtures } from '../../fixtures.ts'

declare const mock: Mock
declare const other: MockSession

// Real ids and globs compile.
const ids: OperationId[] = ['snowflake.deleteImageRepository', 'rhacs.ImageService_ListImages']
const globs: OperationPattern[] = [
  '*',
  'snowflake.*',
  '*.list*',
  '*.create*',
  'cycle.get?mageSource',
  'rhacs.ImageService_*',
  'swr*',
  ...ids,
]
const journalGlobs: JournalOperationPattern[] = ['snowflake.unmatched', ...globs]

// @ts-expect-error a misspelt exact id
const misspelt: OperationId = 'snowflake.delteImageRepository'
// @ts-expect-error a misspelt id is not a pattern either (it has no wildcard)
const misspeltPattern: OperationPattern = 'snowflake.delteImageRepository'
// @ts-expect-error a glob must start with a vendor name or a wildcard
const unknownVendor: OperationPattern = 'snowflak.*'
// @ts-expect-error `unmatched` is for the journal only: no fault can target it
const unmatchedRule: OperationPattern = 'cycle.unmatched'

// Fault rules.
mock.faults.add({ match: { operation: 'snowflake.*' }, effect: { status: 503, retryAfter: 2 } })
mock.faults.add({ match: { operation: '*' }, effect: { delayMs: 500 } })
mock.faults.add({ effect: { status: 302, location: 'https://elsewhere.example/' } })
mock.faults.add({ match: { method: 'GET', path: '/v1/*' }, effect: { network: 'reset' }, times: 1 })
other.faults.addAll([{ match: { operation: 'cycle.getJob' }, effect: { network: 'timeout' } }])
// @ts-expect-error a misspelt effect field
mock.faults.add({ effect: { stauts: 503 } })
// @ts-expect-error a misspelt rule field
mock.faults.add({ effect: { status: 503 }, tiems: 2 })
// @ts-expect-error a misspelt match field
mock.faults.add({ match: { operaton: 'snowflake.*' }, effect: { status: 503 } })
// @ts-expect-error a misspelt operation id
mock.faults.add({ match: { operation: 'snowflake.delteImageRepository' }, effect: { status: 503 } })
// @ts-expect-error network is reset or timeout
mock.faults.add({ effect: { network: 'drop' } })
// @ts-expect-error an effect is required
mock.faults.add({ match: { operation: '*' } })
// @ts-expect-error addAll takes rules, the same checks apply
mock.session('a').faults.addAll([{ effect: { stauts: 503 } }])
const rule: FaultRuleInput = { effect: { status: 429 }, every: 3 }
const stored: OperationPattern | undefined = mock.faults.add(rule).match.operation

// Journal queries and matchers.
mock.journal.find({ operation: 'snowflake.*', vendor: 'cycle', status: 200 })
mock.journal.find({ operation: 'snowflake.unmatched' })
// @ts-expect-error a misspelt id in a journal query
mock.journal.find({ operation: 'snowflake.delteImageRepository' })
// @ts-expect-error an unknown vendor
mock.journal.find({ vendor: 'snowflak' })
expect(mock).toHaveReceived('snowflake.createImageRepository', { times: 1 })
expect(mock.session('a')).toHaveReceivedWith('cycle.*', { status: 202 })
// @ts-expect-error a misspelt id in a matcher
expect(mock).not.toHaveReceived('snowflake.delteImageRepository')
// @ts-expect-error a misspelt count key
expect(mock).toHaveReceived('snowflake.*', { tims: 1 })

// State: what exportState gives, importState takes; anything else does not compile.
async function roundTrip(state: MockState) {
  await mock.importState(await mock.exportState())
  await mock.importState(state)
  await mock.importState({ stores: {}, faults: [{ effect: { status: 503 } }] })
  // @ts-expect-error stores are required
  await mock.importState({ faults: [] })
  // @ts-expect-error a misspelt effect field inside state
  await mock.importState({ stores: {}, faults: [{ effect: { stauts: 503 } }] })
  // @ts-expect-error the clock is ms since the epoch
  await mock.importState({ stores: {}, clock: '2026-01-01' })
}

// Reset takes a scenario name or object and a seed.
async function resets() {
  await mock.reset()
  await mock.reset({ scenario: 'empty', seed: 2 })
  await mock
    .session('a')
    .reset({ scenario: { name: 'mine', description: '', seed: async () => {} } })
  // @ts-expect-error a misspelt option
  await mock.reset({ sead: 2 })
}

// Fixtures come from their own entry.
const repoFaker = fixtureFaker(7)
const build: typeof snowflakeFixtures.buildImageRepository = snowflakeFixtures.buildImageRepository

export const used = [
  globs,
  journalGlobs,
  misspelt,
  misspeltPattern,
  unknownVendor,
  unmatchedRule,
  stored,
  roundTrip,
  resets,
  repoFaker,
  build,
]

// mock.retries() and a session's answer `{ chains }`, as GET /__mock/retries does.
const report: RetryReport = mock.retries({ operation: 'snowflake.list*' })
const chains: RetryChain[] = other.retries().chains
// @ts-expect-error the chains are under `chains`, not the answer itself
const bare: RetryChain[] = mock.retries()
void [report, chains, bare]
