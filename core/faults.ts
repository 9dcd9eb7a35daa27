import { z } from 'zod'
import { compileGlob, globProblem } from './glob.ts'
import { createRandom, hashSeed, type Random } from './random.ts'

const globSchema = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob)
  if (problem) ctx.addIssue({ code: 'custom', message: `glob ${problem}` })
})

/** The JSON shape of a fault rule, as the control API and `mock.faults.add()` accept it. */
export const faultRuleSchema = z
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
      })
      .strict()
      .default({}),
    effect: z
      .object({
        status: z.number().int().min(100).max(599).optional(),
        retryAfter: z.number().int().min(0).max(86_400).optional(),
        delayMs: z.number().int().min(0).max(300_000).optional(),
        network: z.enum(['reset', 'timeout']).optional(),
        body: z.unknown().optional(),
      })
      .strict()
      .refine((e) => e.status !== undefined || e.network !== undefined || e.delayMs !== undefined, {
        message: 'effect needs at least one of status, network or delayMs',
      })
      .refine((e) => !(e.status !== undefined && e.network !== undefined), {
        message: 'effect cannot have both status and network',
      }),
    probability: z.number().min(0).max(1).optional(),
    times: z.number().int().min(1).optional(),
    after: z.number().int().min(0).optional(),
    every: z.number().int().min(1).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict()

/** A fault rule as written by a user. */
export type FaultRuleInput = z.input<typeof faultRuleSchema>

/** A stored fault rule with its counters. */
export interface FaultRule extends z.output<typeof faultRuleSchema> {
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
}

interface ActiveRule {
  rule: FaultRule
  operation?: RegExp
  path?: RegExp
  random: Random
}

/** The reason a rule was refused, for a 400 from the control API. */
export class FaultRuleError extends Error {
  override readonly name = 'FaultRuleError'
}

export const MAX_RULES = 1000

/**
 * Ordered fault rules of one session. Each request is checked against the rules in order; the
 * first rule that fires decides the effect. Probabilities draw from a stream seeded per rule, so
 * the same rules and the same request sequence fire identically on every run.
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
    const id = parsed.data.id ?? `rule-${position + 1}`
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
    // A rule with its own body answers what its author wrote; only the vendor's envelope is bound
    // to the statuses the vendor publishes.
    const status = parsed.data.effect.status
    if (status !== undefined && parsed.data.effect.body === undefined) {
      this.#checkStatus(status, parsed.data.match.operation, operation)
    }
    const rule: FaultRule = { ...parsed.data, id, matched: 0, fired: 0 }
    this.#rules.push({
      rule,
      operation,
      path: parsed.data.match.path
        ? compileGlob(parsed.data.match.path, { ignoreCase: false })
        : undefined,
      random: createRandom(parsed.data.seed ?? hashSeed(this.sessionSeed, 'fault', position)),
    })
    return rule
  }

  /** Refuses a status that none of the operations a rule matches can answer. */
  #checkStatus(status: number, glob: string | undefined, operation: RegExp | undefined): void {
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
          throw new FaultRuleError(`rule ${i}: ${(error as Error).message}`)
        }
      })
    } catch (error) {
      this.#rules = before
      this.#added = added
      throw error
    }
  }

  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r.rule }))
  }

  remove(id: string): boolean {
    const before = this.#rules.length
    this.#rules = this.#rules.filter((r) => r.rule.id !== id)
    return this.#rules.length !== before
  }

  clear(): void {
    this.#rules = []
    this.#added = 0
  }

  get size(): number {
    return this.#rules.length
  }

  /** The first rule that fires for this request, after updating the counters. */
  evaluate(request: FaultRequest): FaultRule | undefined {
    for (const active of this.#rules) {
      const { rule } = active
      if (rule.match.method && rule.match.method !== request.method) continue
      if (active.operation && !active.operation.test(request.operation)) continue
      if (active.path && !active.path.test(request.path)) continue
      const { status, body } = rule.effect
      if (
        status !== undefined &&
        body === undefined &&
        request.statuses?.includes(status) === false
      )
        continue
      rule.matched++
      const after = rule.after ?? 0
      if (rule.matched <= after) continue
      if (rule.times !== undefined && rule.fired >= rule.times) continue
      if (rule.every !== undefined && (rule.matched - after) % rule.every !== 0) continue
      if (rule.probability !== undefined && active.random.next() >= rule.probability) continue
      rule.fired++
      return rule
    }
    return undefined
  }
}

/** Turns zod issues into one sentence naming each bad field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'body'
      return `${where}: ${issue.message}`
    })
    .join('; ')
}
