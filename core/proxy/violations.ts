import type { Violation } from '../journal.ts'

/** Distinct paths counted per operation; past this, further paths count under `other`. */
const MAX_PATHS = 100
/** Violations kept as the sample of an operation. */
const SAMPLE_SIZE = 10

/** What `GET /__mock/violations` reports for one operation. */
export interface OperationViolations {
  operation: string
  /** Proxied exchanges of this operation that had at least one violation. */
  exchanges: number
  /** Violations in all of them. */
  violations: number
  /** `request` / `response` counts. */
  byWhere: { request: number; response: number }
  /** Violations per `where path` (e.g. `response body[0].name`). */
  paths: Record<string, number>
  /** The first violations of each distinct path, up to ten. */
  sample: Violation[]
}

/**
 * Violation counts per session and operation, for `GET /__mock/violations`: unlike the journal it
 * never drops entries, so a long run still shows every kind of drift it met.
 */
export class ViolationLog {
  readonly #sessions = new Map<string, Map<string, OperationViolations>>()

  /** Counts one exchange's violations (call once per exchange; `extra` adds to the same exchange). */
  add(session: string, operation: string, violations: readonly Violation[], extra = false): void {
    if (violations.length === 0) return
    let operations = this.#sessions.get(session)
    if (!operations) {
      operations = new Map()
      this.#sessions.set(session, operations)
    }
    let entry = operations.get(operation)
    if (!entry) {
      entry = {
        operation,
        exchanges: 0,
        violations: 0,
        byWhere: { request: 0, response: 0 },
        paths: {},
        sample: [],
      }
      operations.set(operation, entry)
    }
    if (!extra) entry.exchanges++
    for (const violation of violations) {
      entry.violations++
      entry.byWhere[violation.where]++
      const key = `${violation.where} ${violation.path}`
      const known = key in entry.paths
      if (known || Object.keys(entry.paths).length < MAX_PATHS) {
        entry.paths[key] = (entry.paths[key] ?? 0) + 1
      } else {
        entry.paths.other = (entry.paths.other ?? 0) + 1
      }
      if (!known && entry.sample.length < SAMPLE_SIZE) entry.sample.push(violation)
    }
  }

  /** The session's operations with violations, by operation id. */
  list(session: string): OperationViolations[] {
    const operations = this.#sessions.get(session)
    if (!operations) return []
    return [...operations.values()].sort((a, b) =>
      a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0,
    )
  }

  clear(session: string): void {
    this.#sessions.delete(session)
  }
}
