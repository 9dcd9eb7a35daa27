import { boundToEnvelope, type FaultRule } from './fault-rule.ts'
import { compileGlob } from './glob.ts'
import type { AnyOperation } from './vendor.ts'
import type { TextMatcher } from './wildcard.ts'

/**
 * How a fault rule meets a request: what the engine knows of operations and requests, and the
 * checks of a rule's `match` fields and effect against them. The engine is `faults.ts`.
 */

/** What the engine knows of an operation, to refuse rules that could never fire on it. */
export interface OperationFacts {
  method: string
  /** The error statuses it can answer (its vendor's catalogue), when it names them. */
  statuses?: readonly number[]
  /** Whether it changes state (a write method, or a read that `writes`): afterCommit needs it. */
  commits: boolean
  /** The async work it starts, for `effect.async` (see `OperationDefinition.asyncWork`). */
  asyncWork?: string
}
/** What a request looks like to the fault engine. */
export interface FaultRequest {
  operation: string
  method: string
  path: string
  /** The error statuses the operation can answer; a rule forcing another one does not match. */
  statuses?: readonly number[]
  /** The authenticated caller as the vendor names it, for `match.principal`. */
  principal?: string
  headers?: Headers
  query?: URLSearchParams
  /** The request body's top-level JSON object, parsed on first need (undefined: none). */
  body?: () => Record<string, unknown> | undefined
  /** False for an operation that stores no change: an `afterCommit` rule does not match it. */
  commits?: boolean
  /** False for a request that starts no async work: an `effect.async` rule does not match it. */
  startsAsync?: boolean
}

/** A rule's `match.headers`, `query` or `body`: each name with its compiled glob. */
export type FieldMatchers = Array<[string, TextMatcher]>

/** A rule's compiled `match.headers`, `query` and `body`. */
export interface RuleFields {
  headers?: FieldMatchers
  query?: FieldMatchers
  body?: FieldMatchers
}

/** The key a quota counts a request under: `quota.by`'s caller or operation, or the session's ''. */
export function quotaKey(rule: FaultRule, request: FaultRequest): string {
  const by = rule.quota?.by
  return by === 'principal'
    ? (request.principal ?? '')
    : by === 'operation'
      ? request.operation
      : ''
}

/**
 * Whether the operation can have the rule's effect: a status it can answer, a change stored for
 * `afterCommit`, async work started for `async`.
 */
export function fitsOperation(rule: FaultRule, request: FaultRequest): boolean {
  const { status, when, async } = rule.effect
  if (status !== undefined && boundToEnvelope(rule.effect)) {
    if (request.statuses?.includes(status) === false) return false
  }
  if (when === 'afterCommit' && request.commits === false) return false
  return async === undefined || request.startsAsync !== false
}

export function fieldMatchers(
  globs: Record<string, string> | undefined,
): FieldMatchers | undefined {
  if (!globs) return undefined
  return Object.entries(globs).map(([name, glob]) => [
    name,
    compileGlob(glob, { ignoreCase: false }),
  ])
}

/** Whether the request's headers, query and body fields fit the rule's globs (all must). */
export function fieldsMatch(active: RuleFields, request: FaultRequest): boolean {
  const fits = (matchers: FieldMatchers | undefined, read: (name: string) => string | null) =>
    !matchers ||
    matchers.every(([name, glob]) => {
      const value = read(name)
      return value !== null && glob.test(value)
    })
  if (!fits(active.headers, (name) => request.headers?.get(name) ?? null)) return false
  if (!fits(active.query, (name) => request.query?.get(name) ?? null)) return false
  if (!active.body) return true
  const body = request.body?.()
  return fits(active.body, (name) => {
    if (!body || !Object.hasOwn(body, name)) return null
    const value = body[name]
    return typeof value === 'string' ? value : JSON.stringify(value)
  })
}

/** Whether an operation stores a change: a write method, or a read that `writes` (a poll). */
export function commitsChange(op: AnyOperation): boolean {
  return op.writes === true || !['GET', 'HEAD', 'OPTIONS'].includes(op.method.toUpperCase())
}

/** What fault rules need to know of an operation. */
export function operationFacts(op: AnyOperation): OperationFacts {
  return {
    method: op.method.toUpperCase(),
    ...(op.statuses ? { statuses: op.statuses } : {}),
    commits: commitsChange(op),
    ...(op.asyncWork ? { asyncWork: op.asyncWork.what } : {}),
  }
}
