import { boundToEnvelope, type FaultRule, type FaultRuleInput } from './fault-rule.ts'
import type { Window } from './fault-window.ts'
import { compileGlob } from './glob.ts'
import type { RequestHeaders } from './request-input.ts'
import type { AnyOperation } from './vendor.ts'

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
  headers?: RequestHeaders
  query?: URLSearchParams
  /** The request body's top-level JSON object, parsed on first need (undefined: none). */
  body?: () => Record<string, unknown> | undefined
  /** False for an operation that stores no change: an `afterCommit` rule does not match it. */
  commits?: boolean
  /** False for a request that starts no async work: an `effect.async` rule does not match it. */
  startsAsync?: boolean
}

/**
 * The longest text a `match.headers`, `match.query` or `match.body` glob is tested against,
 * characters: 2,048, as much as the journal shows of a body (a glob is at most 256 characters,
 * so this leaves room for any prefix worth naming). A longer value is judged on its first 2,048
 * characters: it matches when its glob ends with `*` and matches them (the `*` stands for the
 * rest, so such a match is always right), and never otherwise. So `{"name":"TEST_*"}` matches a
 * 1 MB name starting `TEST_`, while `*_END` never matches a value longer than the cap. Testing a
 * capped text keeps each check O(2,048 × glob), whatever the body's size.
 */
export const MAX_MATCH_TEXT = 2048

/** A field's value as a glob sees it: at most {@link MAX_MATCH_TEXT} characters, `cut` if longer. */
export interface MatchText {
  text: string
  cut: boolean
}

/** A glob of a rule's `match.headers`, `query` or `body`, tested against a {@link MatchText}. */
export interface FieldMatcher {
  test(value: MatchText): boolean
}

/** A rule's `match.headers`, `query` or `body`: each name with its compiled glob. */
export type FieldMatchers = Array<[string, FieldMatcher]>

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
 * The seconds (at least 1) until the outage of a window `now` falls in ends, for `Retry-After`:
 * the end of the current `for` span of a repeating window, capped at `until`; undefined for a
 * window with no end.
 */
export function windowRetryAfter(window: Window, now: number): number | undefined {
  let ends = window.until
  if (window.every !== undefined && window.for !== undefined) {
    const start = window.from + Math.floor((now - window.from) / window.every) * window.every
    ends = Math.min(ends, start + window.for)
  }
  return Number.isFinite(ends) ? Math.max(1, Math.ceil((ends - now) / 1000)) : undefined
}

/** True for a rule that only adds latency, so evaluation goes on past it. */
export function isLatencyOnly(rule: FaultRuleInput | FaultRule): boolean {
  const { effect } = rule
  return (
    effect !== undefined &&
    effect.status === undefined &&
    effect.network === undefined &&
    effect.async === undefined
  )
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
  return Object.entries(globs).map(([name, glob]) => {
    const matcher = compileGlob(glob, { ignoreCase: false })
    const open = glob.endsWith('*')
    return [name, { test: (value) => (!value.cut || open) && matcher.test(value.text) }]
  })
}

/**
 * A request's header, query and body fields as {@link MatchText}s, each read (and a body field
 * serialised) at most once per request however many rules ask, so checking every rule costs
 * O(rules × {@link MAX_MATCH_TEXT}) beyond one pass over the request. Nothing is read, and no
 * lookup built, until a rule asks: most requests meet no rule that matches on fields.
 */
export class RequestFields {
  #headers: Map<string, MatchText | null> | undefined
  #query: Map<string, MatchText | null> | undefined
  #body: Map<string, MatchText | null> | undefined
  /** The parsed body: not yet read while `#parsed` is false. */
  #object: Record<string, unknown> | undefined
  #parsed = false

  constructor(private readonly request: FaultRequest) {}

  header(name: string): MatchText | null {
    this.#headers ??= new Map()
    let value = this.#headers.get(name)
    if (value === undefined) {
      value = capText(this.request.headers?.get(name) ?? null)
      this.#headers.set(name, value)
    }
    return value
  }

  query(name: string): MatchText | null {
    this.#query ??= new Map()
    let value = this.#query.get(name)
    if (value === undefined) {
      value = capText(this.request.query?.get(name) ?? null)
      this.#query.set(name, value)
    }
    return value
  }

  body(name: string): MatchText | null {
    this.#body ??= new Map()
    let value = this.#body.get(name)
    if (value === undefined) {
      value = this.#bodyField(name)
      this.#body.set(name, value)
    }
    return value
  }

  #bodyField(name: string): MatchText | null {
    if (!this.#parsed) {
      this.#object = this.request.body?.()
      this.#parsed = true
    }
    const body = this.#object
    if (!body || !Object.hasOwn(body, name)) return null
    const value = body[name]
    return typeof value === 'string' ? capText(value) : jsonPrefix(value, MAX_MATCH_TEXT)
  }
}

function capText(text: string | null): MatchText | null {
  if (text === null) return null
  return text.length > MAX_MATCH_TEXT
    ? { text: text.slice(0, MAX_MATCH_TEXT), cut: true }
    : { text, cut: false }
}

/** Whether the request's headers, query and body fields fit the rule's globs (all must). */
export function fieldsMatch(active: RuleFields, fields: RequestFields): boolean {
  return (
    fits(active.headers, fields, 'header') &&
    fits(active.query, fields, 'query') &&
    fits(active.body, fields, 'body')
  )
}

function fits(
  matchers: FieldMatchers | undefined,
  fields: RequestFields,
  kind: 'header' | 'query' | 'body',
): boolean {
  if (!matchers) return true
  for (const [name, glob] of matchers) {
    const value = fields[kind](name)
    if (value === null || !glob.test(value)) return false
  }
  return true
}

type Frame = { close: string; items: unknown[]; keys?: string[]; at: number }

/**
 * The first `limit` characters of a parsed JSON value's `JSON.stringify` text, `cut` when there
 * is more. Iterative (an explicit stack, no recursion), so a value nested 10,000 levels deep
 * cannot overflow the call stack; it stops once it has `limit` characters, so a 1 MB value costs
 * O(limit) beyond listing the keys of the objects it opens.
 */
export function jsonPrefix(value: unknown, limit: number): MatchText {
  let text = ''
  const stack: Frame[] = []
  const emit = (v: unknown): void => {
    if (Array.isArray(v)) {
      text += '['
      stack.push({ close: ']', items: v, at: 0 })
    } else if (typeof v === 'object' && v !== null) {
      text += '{'
      const keys = Object.keys(v)
      const record = v as Record<string, unknown>
      stack.push({ close: '}', items: keys.map((k) => record[k]), keys, at: 0 })
    } else if (typeof v === 'string') {
      // A cut string's text is longer than `limit` anyway, so the text is cut too.
      text += JSON.stringify(v.length > limit ? v.slice(0, limit) : v)
    } else {
      text += JSON.stringify(v) ?? 'null'
    }
  }
  emit(value)
  while (stack.length > 0 && text.length <= limit) {
    const frame = stack.at(-1) as Frame
    if (frame.at >= frame.items.length) {
      text += frame.close
      stack.pop()
      continue
    }
    if (frame.at > 0) text += ','
    if (frame.keys) text += `${JSON.stringify(frame.keys[frame.at])}:`
    emit(frame.items[frame.at++])
  }
  return text.length > limit ? { text: text.slice(0, limit), cut: true } : { text, cut: false }
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
