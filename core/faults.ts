import { InputError } from './errors.ts'
import {
  boundToEnvelope,
  describeZodError,
  drawDelay,
  type FaultRule,
  type FaultRuleInput,
  faultRuleSchema,
  MAX_FAULT_DELAY_MS,
} from './fault-rule.ts'
import {
  inWindow,
  resolveWindow,
  storedWindow,
  type Window,
  windowProblem,
} from './fault-window.ts'
import { compileGlob } from './glob.ts'
import { createRandom, hashSeed, type Random } from './random.ts'
import type { TextMatcher } from './wildcard.ts'

/** The rule's shape, for the modules that take rules from here. */
export {
  describeZodError,
  drawDelay,
  FAULT_REDIRECT_STATUSES,
  type FaultDelay,
  type FaultEffectInput,
  type FaultRule,
  type FaultRuleInput,
  faultRuleObjectSchema,
  faultRuleSchema,
  MAX_FAULT_DELAY_MS,
} from './fault-rule.ts'
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
}

/** A rule's `match.headers`, `query` or `body`: each name with its compiled glob. */
type FieldMatchers = Array<[string, TextMatcher]>

interface ActiveRule {
  rule: FaultRule
  window?: Window
  operation?: TextMatcher
  path?: TextMatcher
  principal?: TextMatcher
  headers?: FieldMatchers
  query?: FieldMatchers
  body?: FieldMatchers
  random: Random
  /** A quota's counts: the window they are for, and requests seen in it per key. */
  quota?: { anchor: number; window: number; counts: Map<string, number> }
}

/** The reason a rule was refused, for a 400 from the control API. */
export class FaultRuleError extends InputError {
  override readonly name = 'FaultRuleError'

  /**
   * @param at for a rule of a list ({@link FaultEngine.addAll}): its index there, and the reason
   * without the `rules[i]: ` prefix, so a caller that knows where the list came from can say so
   */
  constructor(
    message: string,
    readonly at?: { index: number; reason: string },
  ) {
    super(message)
  }
}

export const MAX_RULES = 1000

/**
 * What the rules do to one request, from {@link FaultEngine.evaluate}. Nothing fired when
 * `applied` is empty (then `delayMs` and `rule` are undefined).
 */
export interface FaultOutcome {
  /**
   * Latency to add before answering, ms: the `delayMs` of every rule that fired (latency-only
   * rules and the terminal rule; a distribution drawn once each), summed and capped at
   * {@link MAX_FAULT_DELAY_MS}. Undefined when no rule that fired has a `delayMs`.
   */
  delayMs?: number
  /**
   * The terminal rule that fired, if any: its `status` (error envelope, or redirect with
   * `location`) or `network` effect replaces the answer.
   */
  rule?: FaultRule
  /** Every rule that fired for this request, in rule order; the terminal rule, if any, is last. */
  applied: FaultRule[]
  /** A quota rule that fired: seconds until its window ends, for `Retry-After`. */
  retryAfter?: number
}

/** True for a rule that only adds latency, so evaluation goes on past it. */
export function isLatencyOnly(rule: FaultRuleInput | FaultRule): boolean {
  const { effect } = rule
  return effect !== undefined && effect.status === undefined && effect.network === undefined
}

/**
 * The answer of a redirect fault (a 3xx `status` with `location`): no vendor envelope, since a
 * redirect is not an error; `body` (JSON) and `retryAfter` when the rule gives them.
 */
export function redirectResponse(effect: FaultRule['effect']): Response {
  const headers = new Headers({ Location: effect.location ?? '' })
  if (effect.retryAfter !== undefined) headers.set('Retry-After', String(effect.retryAfter))
  if (effect.body === undefined) return new Response(null, { status: effect.status, headers })
  headers.set('Content-Type', 'application/json')
  return new Response(JSON.stringify(effect.body), { status: effect.status, headers })
}

/**
 * Ordered fault rules of one session. Each request is checked against the rules in order: a
 * latency-only rule (`delayMs` alone) that fires adds its delay and evaluation goes on; the first
 * rule with a `status` or `network` effect that fires ends it and decides the answer, after the
 * delays so far plus its own. So "slow, then 503" is two rules, and a rule that does not fire
 * (`times` used up, `after`, `every`, `probability`) never stops later ones. Probabilities draw
 * from a stream seeded per rule, so the same rules and request sequence fire identically every run.
 */
export class FaultEngine {
  #rules: ActiveRule[] = []
  #added = 0

  /**
   * @param statusesOf the statuses an operation can answer (its vendor's catalogue), undefined
   * when it names none: a rule forcing a status fires only on operations that can answer it.
   */
  constructor(
    private sessionSeed: number,
    private readonly operationIds: () => readonly string[],
    private readonly statusesOf: (operationId: string) => readonly number[] | undefined = () =>
      undefined,
    private readonly now: () => number = () => 0,
  ) {}

  /** Drops every rule and derives future rule streams from a new session seed. */
  reseed(sessionSeed: number): void {
    this.sessionSeed = sessionSeed
    this.clear()
  }

  /** Validates and appends a rule; throws {@link FaultRuleError} with a readable reason. */
  add(input: unknown): FaultRule {
    if (this.#rules.length >= MAX_RULES) {
      throw new FaultRuleError(
        `a session holds at most ${MAX_RULES} fault rules; delete some first`,
      )
    }
    const parsed = faultRuleSchema.safeParse(input)
    if (!parsed.success) throw new FaultRuleError(describeZodError(parsed.error))
    const position = this.#added++
    let id = parsed.data.id ?? `rule-${position + 1}`
    // After an import (a saved state) the numbering may have gaps: pick the next free number.
    if (parsed.data.id === undefined) {
      while (this.#rules.some((r) => r.rule.id === id)) id = `rule-${++this.#added}`
    }
    if (this.#rules.some((r) => r.rule.id === id))
      throw new FaultRuleError(`a rule with id "${id}" already exists`)
    const operation = parsed.data.match.operation
      ? compileGlob(parsed.data.match.operation)
      : undefined
    if (operation && !this.operationIds().some((op) => operation.test(op))) {
      throw new FaultRuleError(
        `match.operation "${parsed.data.match.operation}" matches no operation; see GET /__mock/health for the list`,
      )
    }
    const { status } = parsed.data.effect
    if (status !== undefined && boundToEnvelope(parsed.data.effect)) {
      this.#checkStatus(status, parsed.data.match.operation, operation)
    }
    const window = parsed.data.window && resolveWindow(parsed.data.window, this.now())
    const problem = window && windowProblem(window)
    if (problem) throw new FaultRuleError(`window.${problem[0]}: ${problem[1]}`)
    const rule: FaultRule = { ...parsed.data, id, matched: 0, fired: 0 }
    if (window) rule.window = storedWindow(window)
    this.#rules.push({
      rule,
      window,
      operation,
      path: parsed.data.match.path
        ? compileGlob(parsed.data.match.path, { ignoreCase: false })
        : undefined,
      principal: parsed.data.match.principal
        ? compileGlob(parsed.data.match.principal, { ignoreCase: false })
        : undefined,
      headers: fieldMatchers(parsed.data.match.headers),
      query: fieldMatchers(parsed.data.match.query),
      body: fieldMatchers(parsed.data.match.body),
      quota: parsed.data.quota ? { anchor: this.now(), window: 0, counts: new Map() } : undefined,
      random: createRandom(parsed.data.seed ?? hashSeed(this.sessionSeed, 'fault', position)),
    })
    return rule
  }

  /** Refuses a status that none of the operations a rule matches can answer. */
  #checkStatus(status: number, glob: string | undefined, operation: TextMatcher | undefined): void {
    const targets = this.operationIds().filter((op) => !operation || operation.test(op))
    const lists = targets.map((op) => this.statusesOf(op))
    if (lists.some((list) => list === undefined || list.includes(status))) return
    const named = [...new Set(lists.flatMap((list) => list ?? []))]
      .filter((s) => s >= 400)
      .sort((a, b) => a - b)
    throw new FaultRuleError(
      `effect.status ${status} is not a status ${glob ?? 'any operation'} can answer (the vendor's published errors: ${named.join(', ')}); give effect.body to answer it with a body of your own`,
    )
  }

  /** Validates every rule first, so a bad list adds nothing. */
  addAll(inputs: unknown[]): FaultRule[] {
    if (this.#rules.length + inputs.length > MAX_RULES) {
      throw new FaultRuleError(
        `a session holds at most ${MAX_RULES} fault rules; this list has ${inputs.length}`,
      )
    }
    const before = this.#rules.slice()
    const added = this.#added
    try {
      return inputs.map((input, i) => {
        try {
          return this.add(input)
        } catch (error) {
          const reason = (error as Error).message
          throw new FaultRuleError(`rules[${i}]: ${reason}`, { index: i, reason })
        }
      })
    } catch (error) {
      this.#rules = before
      this.#added = added
      throw error
    }
  }

  list(): FaultRule[] {
    this.#expire()
    return this.#rules.map((r) => ({ ...r.rule }))
  }

  /** Removes the rules whose window has ended. */
  #expire(): void {
    const now = this.now()
    if (this.#rules.some((r) => r.window && now >= r.window.until)) {
      this.#rules = this.#rules.filter((r) => !r.window || now < r.window.until)
    }
  }

  remove(id: string): boolean {
    const before = this.#rules.length
    this.#rules = this.#rules.filter((r) => r.rule.id !== id)
    return this.#rules.length !== before
  }

  /**
   * Sets a rule's counters, as a saved state recorded them, so that `times`, `after` and `every`
   * carry on where they stopped instead of starting again. Returns false for an unknown id.
   */
  restoreCounters(id: string, counters: { matched: number; fired: number }): boolean {
    const active = this.#rules.find((r) => r.rule.id === id)
    if (!active) return false
    active.rule.matched = counters.matched
    active.rule.fired = counters.fired
    return true
  }

  clear(): void {
    this.#rules = []
    this.#added = 0
  }

  get size(): number {
    this.#expire()
    return this.#rules.length
  }

  /**
   * Checks the request against the rules in order, updating each rule's `matched` and `fired`
   * counters, and composes what fired (see the class comment). Rules after the terminal one are
   * not checked, so their counters do not move.
   */
  evaluate(request: FaultRequest): FaultOutcome {
    const outcome: FaultOutcome = { applied: [] }
    this.#expire()
    const now = this.now()
    for (const active of this.#rules) {
      const { rule } = active
      if (active.window && !inWindow(active.window, now)) continue
      if (rule.match.method && rule.match.method !== request.method) continue
      if (active.operation && !active.operation.test(request.operation)) continue
      if (active.path && !active.path.test(request.path)) continue
      if (active.principal && !active.principal.test(request.principal ?? '\u0000')) continue
      if (!fieldsMatch(active, request)) continue
      const { status } = rule.effect
      if (
        status !== undefined &&
        boundToEnvelope(rule.effect) &&
        request.statuses?.includes(status) === false
      )
        continue
      rule.matched++
      const after = rule.after ?? 0
      if (rule.matched <= after) continue
      if (rule.times !== undefined && rule.fired >= rule.times) continue
      if (rule.every !== undefined && (rule.matched - after) % rule.every !== 0) continue
      if (rule.probability !== undefined && active.random.next() >= rule.probability) continue
      const retryAfter = overQuota(active, request, now)
      if (retryAfter === null) continue
      if (retryAfter !== undefined) outcome.retryAfter = retryAfter
      rule.fired++
      outcome.applied.push(rule)
      if (rule.effect.delayMs !== undefined) {
        const drawn = drawDelay(rule.effect.delayMs, active.random)
        outcome.delayMs = Math.min(MAX_FAULT_DELAY_MS, (outcome.delayMs ?? 0) + drawn)
      }
      if (!isLatencyOnly(rule)) {
        outcome.rule = rule
        break
      }
    }
    return outcome
  }
}

/**
 * Counts a request against the rule's quota: null while it is within `limit` for its window (the
 * rule does not fire), else the seconds until the window ends (at least 1); undefined without a
 * quota. Windows are `perMs` long from when the rule was added, on the session clock.
 */
function overQuota(
  active: ActiveRule,
  request: FaultRequest,
  now: number,
): number | null | undefined {
  const { quota } = active.rule
  const state = active.quota
  if (!quota || !state) return undefined
  const window = Math.floor((now - state.anchor) / quota.perMs)
  if (window !== state.window) {
    state.window = window
    state.counts.clear()
  }
  const key =
    quota.by === 'principal'
      ? (request.principal ?? '')
      : quota.by === 'operation'
        ? request.operation
        : ''
  const count = (state.counts.get(key) ?? 0) + 1
  state.counts.set(key, count)
  if (count <= quota.limit) return null
  const ends = state.anchor + (window + 1) * quota.perMs
  return Math.max(1, Math.ceil((ends - now) / 1000))
}

function fieldMatchers(globs: Record<string, string> | undefined): FieldMatchers | undefined {
  if (!globs) return undefined
  return Object.entries(globs).map(([name, glob]) => [
    name,
    compileGlob(glob, { ignoreCase: false }),
  ])
}

/** Whether the request's headers, query and body fields fit the rule's globs (all must). */
function fieldsMatch(active: ActiveRule, request: FaultRequest): boolean {
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
