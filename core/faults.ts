import { z } from 'zod'
import { InputError } from './errors.ts'
import {
  inWindow,
  resolveWindow,
  storedWindow,
  type Window,
  windowProblem,
  windowSchema,
} from './fault-window.ts'
import { compileGlob, globProblem } from './glob.ts'
import { createRandom, hashSeed, type Random } from './random.ts'
import type { TextMatcher } from './wildcard.ts'

/** How deep a rule's own body may nest: deeper JSON is refused before anything is stored. */
const MAX_BODY_DEPTH = 64

const globSchema = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob)
  if (problem) ctx.addIssue({ code: 'custom', message: `glob ${problem}` })
})

/** Redirect statuses a fault may answer with; each needs `location`. */
export const FAULT_REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308]
/** The longest latency one request can get from fault rules together, ms. */
export const MAX_FAULT_DELAY_MS = 300_000

const wholeMs = z.number().int().min(0).max(MAX_FAULT_DELAY_MS)

/**
 * A latency: whole ms, or a distribution drawn per request from the rule's seeded stream (so the
 * same seed gives the same delays): `uniform` between `min` and `max`, or `lognormal` around
 * `median` with the log's standard deviation `sigma` (a long tail, as real services show), cut at
 * `max`.
 */
const delaySchema = z.union([
  wholeMs,
  z.discriminatedUnion('distribution', [
    z
      .object({ distribution: z.literal('uniform'), min: wholeMs, max: wholeMs })
      .strict()
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['min'] }),
    z
      .object({
        distribution: z.literal('lognormal'),
        median: wholeMs,
        sigma: z.number().min(0).max(10),
        max: wholeMs,
      })
      .strict()
      .refine((d) => d.median <= d.max, {
        message: 'median must not exceed max',
        path: ['median'],
      }),
  ]),
])

/** A rule's latency as written: whole ms or a distribution. */
export type FaultDelay = z.output<typeof delaySchema>

/** Draws one delay from `delay`, ms; a distribution takes one or two draws from `random`. */
export function drawDelay(delay: FaultDelay, random: Random): number {
  if (typeof delay === 'number') return delay
  if (delay.distribution === 'uniform') return random.int(delay.min, delay.max)
  // Box-Muller: one standard normal from two uniforms (1 - next() is never 0).
  const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next())
  return Math.min(delay.max, Math.round(delay.median * Math.exp(delay.sigma * normal)))
}

/**
 * What a rule does. `status` is an error (400-599, answered in the vendor's error envelope) or a
 * redirect (301, 302, 303, 307, 308) with its `location`; a fault never fakes a success. `body`,
 * `retryAfter` and `location` go with `status`; `network` excludes `status`; `delayMs` goes with
 * either, or alone (a latency-only rule, see {@link FaultEngine.evaluate}).
 */
const effectSchema = z
  .object({
    status: z.number().int().optional(),
    retryAfter: z.number().int().min(0).max(86_400).optional(),
    delayMs: delaySchema.optional(),
    network: z
      .enum(['reset', 'timeout', 'truncate', 'garbage', 'empty'])
      .optional()
      .describe(
        'reset: the connection drops; timeout: no answer until the client gives up; truncate: the real status, headers and Content-Length, then only the first `bytes` of the body and the connection closes; garbage: bytes that are no HTTP, then close; empty: the connection closes with no bytes',
      ),
    bytes: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .optional()
      .describe('With network truncate: how many bytes of the body the client gets'),
    bytesPerSecond: z
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .optional()
      .describe(
        'The real answer is sent at this rate (after any delayMs to the first byte); like delayMs, it lets later rules fire',
      ),
    when: z
      .enum(['before', 'afterCommit'])
      .optional()
      .describe(
        'before (default): the effect replaces the operation; afterCommit: the operation runs and its change is stored, then the client gets the failure instead of the answer',
      ),
    body: z
      .unknown()
      .optional()
      .refine((body) => nestingDepth(body) <= MAX_BODY_DEPTH, {
        message: `effect.body may nest at most ${MAX_BODY_DEPTH} levels deep`,
      }),
    location: z
      .string()
      .min(1)
      .max(2048)
      .refine((location) => isRedirectTarget(location), {
        message: 'effect.location must be an absolute http(s) URL or a path starting with /',
      })
      .optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message })
    if (
      e.status === undefined &&
      e.network === undefined &&
      e.delayMs === undefined &&
      e.bytesPerSecond === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'effect needs at least one of status, network, delayMs or bytesPerSecond',
      })
    }
    if (e.network === 'truncate' && e.bytes === undefined) {
      problem('bytes', 'network truncate needs bytes, how much of the body the client gets')
    }
    if (e.bytes !== undefined && e.network !== 'truncate') {
      problem('bytes', 'goes only with network truncate')
    }
    if (e.bytesPerSecond !== undefined && e.network !== undefined && e.network !== 'truncate') {
      problem('bytesPerSecond', `a ${e.network} sends no body to slow down`)
    }
    if (e.when === 'afterCommit' && (e.network === 'truncate' || e.bytesPerSecond !== undefined)) {
      problem('when', 'truncate and bytesPerSecond always shape the real answer; leave when out')
    }
    if (e.status !== undefined && e.network !== undefined) {
      problem('network', 'effect cannot have both status and network')
    }
    const redirect = e.status !== undefined && FAULT_REDIRECT_STATUSES.includes(e.status)
    if (e.status !== undefined && !redirect && (e.status < 400 || e.status > 599)) {
      problem(
        'status',
        `must be an error status (400-599) or a redirect (${FAULT_REDIRECT_STATUSES.join(', ')}) with location; got ${e.status} (a fault never answers a success)`,
      )
    }
    if (redirect && e.location === undefined) {
      problem('location', `a ${e.status} redirect needs location, the URL it points to`)
    }
    if (e.location !== undefined && !redirect) {
      problem(
        'location',
        `goes only with a redirect status (${FAULT_REDIRECT_STATUSES.join(', ')})`,
      )
    }
    if (e.when === 'afterCommit') {
      if (e.status === undefined && e.network === undefined) {
        problem(
          'when',
          'afterCommit needs network (reset, timeout, garbage, empty) or a gateway status (500-599)',
        )
      }
      if (e.status !== undefined && e.status < 500) {
        problem(
          'when',
          `afterCommit goes with a gateway status (500-599), the answer lost on its way back; got ${e.status}`,
        )
      }
    }
    for (const key of ['body', 'retryAfter'] as const) {
      if (e[key] !== undefined && e.status === undefined) {
        problem(key, `goes only with status (${key} shapes the answer a status effect gives)`)
      }
    }
  })

/** With `quota`, `effect` may be left out: the vendor's throttling answer (429) is the effect. */
function withQuotaEffect(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
  const rule = input as Record<string, unknown>
  return rule.quota !== undefined && rule.effect === undefined
    ? { ...rule, effect: { status: 429 } }
    : input
}

/** A fault rule's fields; {@link faultRuleSchema} adds the default effect of a quota. */
export const faultRuleObjectSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9._-]{1,64}$/,
        'id must be 1-64 letters, digits, dots, dashes or underscores',
      )
      .optional(),
    match: z
      .object({
        operation: globSchema.optional(),
        method: z
          .string()
          .regex(/^[A-Za-z]{3,7}$/, 'method must be an HTTP method such as GET')
          .transform((m) => m.toUpperCase())
          .optional(),
        path: globSchema.optional(),
        principal: globSchema
          .optional()
          .describe(
            "A glob over the authenticated caller as its vendor names it (see the README's fault section)",
          ),
        headers: z
          .record(
            z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be a header name'),
            globSchema,
          )
          .optional()
          .describe(
            'Header name (any case) → glob over its value; a missing header does not match',
          ),
        query: z
          .record(z.string().min(1).max(256), globSchema)
          .optional()
          .describe(
            'Query parameter → glob over its (first) value; a missing parameter does not match',
          ),
        body: z
          .record(z.string().min(1).max(256), globSchema)
          .optional()
          .describe(
            'Top-level JSON field → glob over its value (a string as is, others as JSON text); a body that is no JSON object does not match',
          ),
      })
      .strict()
      .default({}),
    effect: effectSchema,
    window: windowSchema.optional(),
    quota: z
      .object({
        limit: z.number().int().min(0).max(1_000_000),
        perMs: z.number().int().min(1).max(86_400_000),
        by: z.enum(['session', 'principal', 'operation']).default('session'),
      })
      .strict()
      .optional()
      .describe(
        "Lets `limit` requests through per `perMs` window of the session clock (counted per session, caller or operation); the rest get the effect, by default the vendor's 429 with Retry-After until the window ends",
      ),
    probability: z.number().min(0).max(1).optional(),
    times: z.number().int().min(1).optional(),
    after: z.number().int().min(0).optional(),
    every: z.number().int().min(1).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict()

/** The JSON shape of a fault rule, as the control API and `mock.faults.add()` accept it. */
export const faultRuleSchema = z.preprocess(withQuotaEffect, faultRuleObjectSchema)

type RuleJson = z.input<typeof faultRuleObjectSchema>

/**
 * A fault rule as written by a user (the JSON of `POST /__mock/faults`). `Pattern` narrows
 * `match.operation`: the library's own API passes its operation-id glob type, so a misspelt id or
 * rule field is a compile error.
 */
export type FaultRuleInput<Pattern extends string = string> = Omit<
  RuleJson,
  'match' | 'effect' | 'quota'
> & {
  match?: Omit<NonNullable<RuleJson['match']>, 'operation'> & { operation?: Pattern }
} & (
    | { effect: RuleJson['effect']; quota?: RuleJson['quota'] }
    /** With `quota`, `effect` defaults to the vendor's 429. */
    | { effect?: RuleJson['effect']; quota: NonNullable<RuleJson['quota']> }
  )

/** A fault rule's effect as written by a user. */
export type FaultEffectInput = RuleJson['effect']

type StoredJson = z.output<typeof faultRuleObjectSchema>

/** A stored fault rule with its counters (`matched`: requests it matched, `fired`: times it acted). */
export interface FaultRule<Pattern extends string = string> extends Omit<StoredJson, 'match'> {
  match: Omit<StoredJson['match'], 'operation'> & { operation?: Pattern }
  id: string
  matched: number
  fired: number
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

/** Turns zod issues into one sentence naming each bad field. */
export function describeZodError(error: z.ZodError): string {
  return flattenIssues(error.issues, [])
    .map(({ path, message }) => `${path.length > 0 ? path.join('.') : 'body'}: ${message}`)
    .join('; ')
}

/**
 * Issues with their full paths. A union's "Invalid input" says nothing: it is replaced by the
 * issues of the alternative the value was meant for (the one whose type it has), or by the
 * alternatives' expected types when it has none of them.
 */
function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[],
): Array<{ path: PropertyKey[]; message: string }> {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path]
    // A record's bad key: say what is wrong with it.
    if (issue.code === 'invalid_key') return flattenIssues(issue.issues, path)
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      return [{ path, message: issue.message }]
    }
    const wrongType = (branch: readonly z.core.$ZodIssue[]) =>
      branch.some((i) => i.code === 'invalid_type' && i.path.length === 0)
    const meant = issue.errors.find((branch) => !wrongType(branch))
    if (meant) return flattenIssues(meant, path)
    const expected = issue.errors.flatMap((branch) =>
      branch.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : [])),
    )
    return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}` }]
  })
}

/**
 * Whether an effect answers with the vendor's own error envelope, which is bound to the statuses
 * the vendor publishes. A rule with its own body answers what its author wrote and a redirect
 * carries no envelope, so those fire on any operation.
 */
function boundToEnvelope(effect: FaultRule['effect']): boolean {
  return effect.body === undefined && effect.location === undefined
}

/** The nesting depth of a JSON value, counted without recursion (a hostile body cannot overflow). */
function nestingDepth(value: unknown): number {
  let deepest = 0
  const pending: Array<[unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number]
    if (typeof current !== 'object' || current === null) continue
    if (depth + 1 > deepest) deepest = depth + 1
    if (deepest > MAX_BODY_DEPTH) return deepest
    for (const child of Object.values(current)) pending.push([child, depth + 1])
  }
  return deepest
}

/** A `Location` a redirect may carry: an absolute http(s) URL or a path, no control characters. */
function isRedirectTarget(location: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(location)) return false
  if (location.startsWith('/') && !location.startsWith('//')) return true
  try {
    const url = new URL(location)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
