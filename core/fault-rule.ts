/**
 * A fault rule's shape: the zod schema that validates it (its errors name each bad field) and the
 * types of a rule as given and as stored. Its delays are `fault-delay.ts`, its window
 * `fault-window.ts`; the engine that matches and fires rules is `faults.ts`.
 */
import { z } from 'zod'
import { delaySchema } from './fault-delay.ts'
import { windowSchema } from './fault-window.ts'
import { globProblem } from './glob.ts'
import { lazy } from './lazy.ts'

/** How deep a rule's own body may nest: deeper JSON is refused before anything is stored. */
const MAX_BODY_DEPTH = 64

const globSchema = () =>
  z.string().superRefine((glob, ctx) => {
    const problem = globProblem(glob)
    if (problem) ctx.addIssue({ code: 'custom', message: `glob ${problem}` })
  })

export { drawDelay, type FaultDelay, MAX_FAULT_DELAY_MS } from './fault-delay.ts'
export { describeZodError } from './zod-issues.ts'

/** Redirect statuses a fault may answer with; each needs `location`. */
export const FAULT_REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308]

/**
 * What a rule does. `status` is an error (400-599, answered in the vendor's error envelope) or a
 * redirect (301, 302, 303, 307, 308) with its `location`; a fault never fakes a success. `body`,
 * `retryAfter` and `location` go with `status`; `network` excludes `status`; `delayMs` goes with
 * either, or alone (a latency-only rule, see {@link FaultEngine.evaluate}).
 */
const effectSchema = () =>
  z
    .object({
      status: z.number().int().optional(),
      retryAfter: z.number().int().min(0).max(86_400).optional(),
      delayMs: delaySchema().optional(),
      network: z
        .enum(['reset', 'timeout', 'truncate', 'garbage', 'empty'])
        .optional()
        .describe(
          'reset: the connection drops; timeout: no answer until the client gives up; truncate: the real status, headers and Content-Length, then only the first `bytes` of the body and the connection closes (with `bytes` at or past the end, the whole body chunked and no last chunk); garbage: bytes that are no HTTP, then close; empty: the connection closes with no bytes',
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
      async: z
        .enum(['fail'])
        .optional()
        .describe(
          "fail: the operation answers as usual (Cycle's 202 with its job, Snowflake's 202 of Prefer: respond-async), then the async work it started ends in error: the job in its error state, the polled result in the vendor's error; only on operations that start async work",
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
        e.bytesPerSecond === undefined &&
        e.async === undefined
      ) {
        ctx.addIssue({
          code: 'custom',
          message: 'effect needs at least one of status, network, delayMs, bytesPerSecond or async',
        })
      }
      if (e.async !== undefined) {
        for (const key of ['status', 'network', 'when'] as const) {
          if (e[key] !== undefined)
            problem(key, 'goes not with async: the async work fails after a normal answer')
        }
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
      if (
        e.when === 'afterCommit' &&
        (e.network === 'truncate' || e.bytesPerSecond !== undefined)
      ) {
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
  if (!isRecord(input)) return input
  return input.quota !== undefined && input.effect === undefined
    ? { ...input, effect: { status: 429 } }
    : input
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The `match` fields keyed by names the caller picks. A record parsed into a plain object loses
 * the key `__proto__` (assigning it sets the prototype instead), and the rule would fire on every
 * request; {@link keepProtoKeys} puts it back as an own field.
 */
const NAMED_FIELDS = ['headers', 'query', 'body'] as const

/**
 * Puts back the `__proto__` key of the rule's `match.headers`, `query` or `body` as given in
 * `input`, as an own field of the parsed `match`, so a rule on a body field, header or query
 * parameter named `__proto__` holds (a JSON body's `__proto__` field is an own field too). Returns
 * why its glob is unusable, or undefined.
 */
export function keepProtoKeys(input: unknown, match: Record<string, unknown>): string | undefined {
  if (!isRecord(input) || !isRecord(input.match)) return undefined
  for (const field of NAMED_FIELDS) {
    const given = input.match[field]
    if (!isRecord(given) || !Object.hasOwn(given, '__proto__')) continue
    const glob: unknown = Object.getOwnPropertyDescriptor(given, '__proto__')?.value
    const problem =
      typeof glob === 'string' ? globProblem(glob) : `expected string, received ${typeof glob}`
    if (problem)
      return `match.${field}.__proto__: ${typeof glob === 'string' ? `glob ${problem}` : problem}`
    const parsed = match[field]
    if (isRecord(parsed))
      Object.defineProperty(parsed, '__proto__', {
        value: glob,
        enumerable: true,
        writable: true,
        configurable: true,
      })
  }
  return undefined
}

/** A fault rule's fields; {@link faultRuleSchema} adds the default effect of a quota. */
export const faultRuleObjectSchema = lazy(() => {
  const glob = globSchema()
  return z
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
          operation: glob.optional(),
          method: z
            .string()
            .regex(/^[A-Za-z]{3,7}$/, 'method must be an HTTP method such as GET')
            .transform((m) => m.toUpperCase())
            .optional(),
          path: glob.optional(),
          principal: glob
            .optional()
            .describe(
              "A glob over the authenticated caller as its vendor names it (see the README's fault section)",
            ),
          headers: z
            .record(
              z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be a header name'),
              glob,
            )
            .optional()
            .describe(
              'Header name (any case) → glob over its value; a missing header does not match',
            ),
          query: z
            .record(z.string().min(1).max(256), glob)
            .optional()
            .describe(
              'Query parameter → glob over its (first) value; a missing parameter does not match',
            ),
          body: z
            .record(z.string().min(1).max(256), glob)
            .optional()
            .describe(
              'Top-level JSON field → glob over its value as sent (a string as is, others as JSON text; at most its first 2,048 characters, see MAX_MATCH_TEXT); a body that is no JSON object does not match',
            ),
        })
        .strict()
        .default({}),
      effect: effectSchema(),
      window: windowSchema().optional(),
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
})

/** The JSON shape of a fault rule, as the control API and `mock.faults.add()` accept it. */
export const faultRuleSchema = lazy(() => z.preprocess(withQuotaEffect, faultRuleObjectSchema()))

type RuleJson = z.input<ReturnType<typeof faultRuleObjectSchema>>

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

type StoredJson = z.output<ReturnType<typeof faultRuleObjectSchema>>

/**
 * A quota's count in its current window: when the window started (ISO-8601, session clock) and
 * the requests seen in it per key (`""` for the session, else the caller or operation).
 */
export interface QuotaUsage {
  windowStart: string
  counts: Record<string, number>
}

/**
 * A stored fault rule with its counters (`matched`: requests it matched, `fired`: times it acted;
 * `quotaUsage`: a quota's count in its current window, absent while that window has seen none).
 */
export interface FaultRule<Pattern extends string = string> extends Omit<StoredJson, 'match'> {
  match: Omit<StoredJson['match'], 'operation'> & { operation?: Pattern }
  id: string
  matched: number
  fired: number
  quotaUsage?: QuotaUsage
}

/** A stored rule as input again: without its counters, which the rule schema does not take. */
export function withoutCounters(rule: object): Record<string, unknown> {
  const { matched: _m, fired: _f, quotaUsage: _q, ...kept } = rule as Record<string, unknown>
  return kept
}

/**
 * Whether an effect answers with the vendor's own error envelope, which is bound to the statuses
 * the vendor publishes. A rule with its own body answers what its author wrote and a redirect
 * carries no envelope, so those fire on any operation.
 */
export function boundToEnvelope(effect: FaultRule['effect']): boolean {
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
