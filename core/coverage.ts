import { commitsChange } from './fault-match.ts'
import type { JournalEntry } from './journal.ts'
import { DEFAULT_STATUSES } from './openapi.ts'
import type { AnyVendor } from './vendor.ts'

/**
 * The fault kinds a client can meet: network faults (`reset`, `timeout`, and the broken bodies
 * `truncate`, `garbage`, `empty`), a body sent slowly (`slowBody`, a rule's `bytesPerSecond`), an
 * answer lost after the change was stored (`afterCommit`, operations that store a change only)
 * and async work that ended in error (`asyncFail`, operations that start async work only).
 */
export const FAULT_KINDS = [
  'reset',
  'timeout',
  'truncate',
  'garbage',
  'empty',
  'slowBody',
  'afterCommit',
  'asyncFail',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** What the client met and never met on one operation. */
export interface OperationCoverage {
  operation: string
  /** Requests journaled for it. */
  calls: number
  /** Statuses answered (ascending; 0, no answer, left out) and fault kinds met. */
  received: { statuses: number[]; faults: FaultKind[] }
  /**
   * Error statuses of the operation's catalogue (its contract's `statuses`, ≥ 400) never
   * answered, and fault kinds never met.
   */
  untested: { statuses: number[]; faults: FaultKind[] }
}

export interface Coverage {
  operations: OperationCoverage[]
}

/** The fault kinds one journal entry shows (reads the failure fields present in the entry). */
export function faultKinds(entry: JournalEntry): FaultKind[] {
  const kinds: FaultKind[] = []
  if (entry.network !== null) kinds.push(entry.network)
  if (entry.bytesPerSecond !== undefined) kinds.push('slowBody')
  if (entry.committed === true) kinds.push('afterCommit')
  if (entry.asyncFailed === true) kinds.push('asyncFail')
  return kinds
}

/**
 * Resilience coverage of the operations the entries called, in operation order: for each, what
 * it answered and which of its catalogue's error statuses and fault kinds the client never met.
 * Requests that matched no operation (`<vendor>.unmatched`) are left out. Linear in the entries.
 */
export function coverage(entries: Iterable<JournalEntry>, vendors: readonly AnyVendor[]): Coverage {
  const catalogue = new Map<string, { statuses: readonly number[]; kinds: FaultKind[] }>()
  for (const vendor of vendors) {
    for (const op of vendor.operations) {
      catalogue.set(`${vendor.name}.${op.id}`, {
        statuses: op.statuses ?? DEFAULT_STATUSES,
        // Only what the operation can meet: a lost commit where it stores one, a failed async
        // work where it starts some.
        kinds: FAULT_KINDS.filter(
          (kind) =>
            (kind !== 'afterCommit' || commitsChange(op)) &&
            (kind !== 'asyncFail' || op.asyncWork !== undefined),
        ),
      })
    }
  }
  const seen = new Map<string, { calls: number; statuses: Set<number>; faults: Set<FaultKind> }>()
  for (const entry of entries) {
    if (!catalogue.has(entry.operation)) continue
    let tally = seen.get(entry.operation)
    if (!tally) {
      tally = { calls: 0, statuses: new Set(), faults: new Set() }
      seen.set(entry.operation, tally)
    }
    tally.calls++
    if (entry.status !== 0) tally.statuses.add(entry.status)
    for (const kind of faultKinds(entry)) tally.faults.add(kind)
  }
  const operations = [...seen]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([operation, tally]): OperationCoverage => {
      const { statuses, kinds } = catalogue.get(operation) as {
        statuses: readonly number[]
        kinds: FaultKind[]
      }
      return {
        operation,
        calls: tally.calls,
        received: {
          statuses: [...tally.statuses].sort((a, b) => a - b),
          faults: kinds.filter((kind) => tally.faults.has(kind)),
        },
        untested: {
          statuses: [...new Set(statuses)]
            .filter((s) => s >= 400 && !tally.statuses.has(s))
            .sort((a, b) => a - b),
          faults: kinds.filter((kind) => !tally.faults.has(kind)),
        },
      }
    })
  return { operations }
}

/** The coverage as a Markdown table, one row an operation (what `--coverage FILE` writes beside). */
export function coverageMarkdown(report: Coverage): string {
  const rows = report.operations.map(
    (op) =>
      `| ${op.operation} | ${op.calls} | ${op.received.statuses.join(', ')} | ${op.received.faults.join(', ')} | ${op.untested.statuses.join(', ')} | ${op.untested.faults.join(', ')} |`,
  )
  return [
    '# Resilience coverage',
    '',
    '| Operation | Calls | Statuses received | Faults met | Error statuses never received | Faults never met |',
    '| --- | ---: | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}
