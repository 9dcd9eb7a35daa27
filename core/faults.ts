import { type Answer, AnswerHeaders, answer, textBody } from './answer.ts'
import { InputError } from './errors.ts'
import {
  type FaultRequest,
  type FieldMatchers,
  fieldMatchers,
  fieldsMatch,
  fitsOperation,
  isLatencyOnly,
  type OperationFacts,
  quotaKey,
  RequestFields,
  windowRetryAfter,
} from './fault-match.ts'
import {
  countQuota,
  newQuotaCounter,
  type QuotaCounter,
  type QuotaHit,
  quotaUsage,
  restoreQuota,
} from './fault-quota.ts'
import {
  boundToEnvelope,
  describeZodError,
  drawDelay,
  type FaultRule,
  faultRuleSchema,
  keepProtoKeys,
  MAX_FAULT_DELAY_MS,
  type QuotaUsage,
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

export type { FaultRequest, OperationFacts } from './fault-match.ts'
export type { QuotaHit } from './fault-quota.ts'
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
  type QuotaUsage,
  withoutCounters,
} from './fault-rule.ts'

interface ActiveRule {
  rule: FaultRule
  window?: Window
  /** The `match.operation` glob; none for `*`, which every request's operation matches. */
  operation?: TextMatcher
  path?: TextMatcher
  principal?: TextMatcher
  headers?: FieldMatchers
  query?: FieldMatchers
  body?: FieldMatchers
  random: Random
  /** A quota's counts: the window they are for, and requests seen in it per key. */
  quota?: QuotaCounter
}

/** The reason a rule was refused, for a 400 from the control API. */
export class FaultRuleError extends InputError {
  override readonly name = 'FaultRuleError'

  /** @param at for a rule of a list ({@link FaultEngine.addAll}): its index, and the reason alone */
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
  /** A quota rule that fired: its limits and the seconds until its window ends (`Retry-After`). */
  quota?: QuotaHit
  /**
   * For a terminal rule with a `window` that ends: the seconds (at least 1) until it does, its
   * `until` or the end of the current `for` span, whichever is first, for `Retry-After`.
   */
  windowRetryAfter?: number
}

/**
 * The answer of a redirect fault (a 3xx `status` with `location`): no vendor envelope, since a
 * redirect is not an error; `body` (JSON) and `retryAfter` when the rule gives them.
 */
export function redirectResponse(effect: FaultRule['effect']): Answer {
  const headers = new AnswerHeaders({ Location: effect.location ?? '' })
  if (effect.retryAfter !== undefined) headers.set('Retry-After', String(effect.retryAfter))
  if (effect.body !== undefined) headers.set('Content-Type', 'application/json')
  const body = effect.body === undefined ? null : textBody(JSON.stringify(effect.body))
  return answer(body, { status: effect.status, statusText: '', headers })
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
  /** No rule's window ends (its `until`) before this instant, so none expires until then. */
  #ends = Number.POSITIVE_INFINITY

  /**
   * @param factsOf what is known of an operation (undefined: nothing, so nothing is refused): a
   * rule forcing a status fires only on operations that can answer it, an `afterCommit` rule
   * only on operations that store a change, an `async` rule only on ones that start async work.
   */
  constructor(
    private sessionSeed: number,
    private readonly operationIds: () => readonly string[],
    private readonly factsOf: (operationId: string) => OperationFacts | undefined = () => undefined,
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
    const parsed = faultRuleSchema().safeParse(input)
    if (!parsed.success) throw new FaultRuleError(describeZodError(parsed.error, 'rule'))
    const protoProblem = keepProtoKeys(input, parsed.data.match)
    if (protoProblem) throw new FaultRuleError(protoProblem)
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
    this.#checkTargets(parsed.data, operation)
    const now = this.now()
    const window = parsed.data.window && resolveWindow(parsed.data.window, now)
    const problem = window && windowProblem(window, now)
    if (problem) throw new FaultRuleError(problem)
    const rule: FaultRule = { ...parsed.data, id, matched: 0, fired: 0 }
    if (window) rule.window = storedWindow(window)
    if (window) this.#ends = Math.min(this.#ends, window.until)
    this.#rules.push({
      rule,
      window,
      operation: /^\*+$/.test(parsed.data.match.operation ?? '') ? undefined : operation,
      path: parsed.data.match.path
        ? compileGlob(parsed.data.match.path, { ignoreCase: false })
        : undefined,
      principal: parsed.data.match.principal
        ? compileGlob(parsed.data.match.principal, { ignoreCase: false })
        : undefined,
      headers: fieldMatchers(parsed.data.match.headers),
      query: fieldMatchers(parsed.data.match.query),
      body: fieldMatchers(parsed.data.match.body),
      quota: parsed.data.quota ? newQuotaCounter(this.now()) : undefined,
      random: createRandom(parsed.data.seed ?? hashSeed(this.sessionSeed, 'fault', position)),
    })
    return rule
  }

  /**
   * Refuses an effect none of the operations a rule matches can have: a status none can answer,
   * `afterCommit` where none stores a change, `async` where none starts async work.
   */
  #checkTargets(
    rule: Pick<FaultRule, 'match' | 'effect'>,
    operation: TextMatcher | undefined,
  ): void {
    const glob = rule.match.operation ?? 'any operation'
    const facts = this.operationIds()
      .filter((op) => !operation || operation.test(op))
      .map((op) => [op, this.factsOf(op)] as const)
      .filter(([, f]) => !f || !rule.match.method || f.method === rule.match.method)
    const none = `match.method ${rule.match.method}: no operation ${glob} matches takes it`
    if (facts.length === 0 && rule.match.method) throw new FaultRuleError(none)
    const known = facts.flatMap(([op, f]) => (f ? [[op, f] as const] : []))
    if (known.length < facts.length) return
    const { effect } = rule
    if (effect.when === 'afterCommit' && !known.some(([, f]) => f.commits)) {
      throw new FaultRuleError(
        `effect.when: afterCommit needs an operation that stores a change, and ${glob}${rule.match.method ? ` (${rule.match.method})` : ''} only reads (${known.map(([op]) => op).join(', ')}): "committed" means nothing there`,
      )
    }
    if (effect.async !== undefined && !known.some(([, f]) => f.asyncWork !== undefined)) {
      const starting = this.operationIds().flatMap((op) => {
        const what = this.factsOf(op)?.asyncWork
        return what ? [`${op} (${what})`] : []
      })
      throw new FaultRuleError(
        `effect.async: ${glob} starts no async work; the operations that do: ${starting.join(', ') || 'none'}`,
      )
    }
    if (effect.status !== undefined && boundToEnvelope(effect)) {
      this.#checkStatus(
        effect.status,
        glob,
        known.map(([, f]) => f.statuses),
      )
    }
  }

  /** Refuses a status that none of the operations a rule matches can answer. */
  #checkStatus(
    status: number,
    glob: string,
    lists: ReadonlyArray<readonly number[] | undefined>,
  ): void {
    if (lists.some((list) => list === undefined || list.includes(status))) return
    const named = [...new Set(lists.flatMap((list) => list ?? []))]
      .filter((s) => s >= 400)
      .sort((a, b) => a - b)
    throw new FaultRuleError(
      `effect.status ${status} is not a status ${glob} can answer (the vendor's published errors: ${named.join(', ')}); give effect.body to answer it with a body of your own`,
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
    const now = this.now()
    return this.#rules.map((r) => {
      const usage = r.quota && quotaUsage(r.rule, r.quota, now)
      return usage ? { ...r.rule, quotaUsage: usage } : { ...r.rule }
    })
  }

  /** Removes the rules whose window has ended. */
  #expire(now = this.now()): void {
    if (now < this.#ends) return
    this.#rules = this.#rules.filter((r) => !r.window || now < r.window.until)
    this.#ends = Math.min(...this.#rules.map((r) => r.window?.until ?? Number.POSITIVE_INFINITY))
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
  restoreCounters(
    id: string,
    counters: { matched: number; fired: number; quotaUsage?: QuotaUsage },
  ): boolean {
    const active = this.#rules.find((r) => r.rule.id === id)
    if (!active) return false
    active.rule.matched = counters.matched
    active.rule.fired = counters.fired
    if (active.quota && counters.quotaUsage) restoreQuota(active.quota, counters.quotaUsage)
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
    const now = this.now()
    this.#expire(now)
    const fields = new RequestFields(request)
    for (const active of this.#rules) {
      const { rule } = active
      if (active.window && !inWindow(active.window, now)) continue
      if (rule.match.method && rule.match.method !== request.method) continue
      if (active.operation && !active.operation.test(request.operation)) continue
      if (active.path && !active.path.test(request.path)) continue
      // A caller with no name matches no principal glob, not even `*`.
      if (active.principal && !request.principal) continue
      if (active.principal && !active.principal.test(request.principal as string)) continue
      if (!fieldsMatch(active, fields)) continue
      if (!fitsOperation(rule, request)) continue
      rule.matched++
      const after = rule.after ?? 0
      if (rule.matched <= after) continue
      if (rule.times !== undefined && rule.fired >= rule.times) continue
      if (rule.every !== undefined && (rule.matched - after) % rule.every !== 0) continue
      if (rule.probability !== undefined && active.random.next() >= rule.probability) continue
      const hit = countQuota(rule, active.quota, quotaKey(rule, request), now)
      if (hit === null) continue
      if (hit !== undefined) outcome.quota = hit
      rule.fired++
      outcome.applied.push(rule)
      if (rule.effect.delayMs !== undefined) {
        const drawn = drawDelay(rule.effect.delayMs, active.random)
        outcome.delayMs = Math.min(MAX_FAULT_DELAY_MS, (outcome.delayMs ?? 0) + drawn)
      }
      if (!isLatencyOnly(rule)) {
        outcome.rule = rule
        const retryAfter = active.window && windowRetryAfter(active.window, now)
        if (retryAfter !== undefined) outcome.windowRetryAfter = retryAfter
        break
      }
    }
    return outcome
  }
}
