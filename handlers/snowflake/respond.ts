import type { z } from 'zod'
import { MockError } from '../../core/errors.ts'
import { describeZodError } from '../../core/faults.ts'
import { jsonResponse } from '../../core/json-response.ts'
import type { OperationContext, QuerySchema } from '../../core/vendor.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from './errors.ts'
import { resolveIdentifier } from './identifiers.ts'
import { storeAsyncResult } from './model/image-repositories.ts'
import { acceptedResponseSchema, successResponseSchema } from './records.ts'
import type { SnowflakeStore } from './store.ts'

/** What every Snowflake operation handler gets (whatever its query). */
export type Ctx = OperationContext<SnowflakeStore, undefined, QuerySchema>

/** Statuses the database and schema contracts list for every operation. */
export const CONTAINER_STATUSES = [
  200, 202, 400, 401, 403, 404, 405, 408, 409, 410, 429, 500, 503, 504,
] as const

/** The `Prefer` header, as the docs of every asynchronous-capable operation describe it. */
export const ASYNC_HEADERS = {
  Prefer: '`respond-async` answers 202 and leaves the result at /api/v2/results/{handle}',
}

const accepted202 = {
  description: 'Accepted (Prefer: respond-async); poll the Location',
  schema: acceptedResponseSchema,
}

/** The docs of a 200 (with its schema) and the 202 of `Prefer: respond-async`. */
export const success = (description: string, schema: z.ZodType = successResponseSchema) => ({
  200: { description, schema },
  202: accepted202,
})

const IN_PROGRESS =
  'Request execution in progress. Use the provided location header or result handler ID to perform query monitoring and management.'

/** A finished operation: status and JSON body. */
export interface Outcome {
  status: number
  body: unknown
}

/** A 200 with `body`. */
export const ok = (body: unknown): Outcome => ({ status: 200, body })

/**
 * Runs an operation now and answers 200, or with `Prefer: respond-async` (or `code=202`) stores
 * the outcome, errors included, and answers 202 with a `Location` to poll.
 */
export async function answer(ctx: Ctx, run: () => Promise<Outcome>): Promise<Response> {
  if (!wantsAsync(ctx.request)) {
    const outcome = await run()
    return jsonResponse(outcome.body as object, { status: outcome.status })
  }
  let outcome: Outcome
  try {
    outcome = await run()
  } catch (error) {
    if (!(error instanceof MockError)) throw error
    const rendered = ctx.renderError(error)
    outcome = { status: rendered.status, body: rendered.body }
  }
  return accepted(await storeAsyncResult(ctx.store, outcome, ctx.clock, ctx.random))
}

/** The contract's 202 `SuccessAcceptedResponse`, with `Location` to poll. */
export function accepted(handle: string): Response {
  return jsonResponse(
    { code: SNOWFLAKE_CODES.asyncInProgress, message: IN_PROGRESS, resultHandler: handle },
    { status: 202, headers: { Location: `/api/v2/results/${handle}` } },
  )
}

function wantsAsync(request: Request): boolean {
  const prefer = request.headers.get('prefer') ?? ''
  return (
    /(?:^|[,;\s])respond-async(?:$|[,;\s])/i.test(prefer) ||
    /(?:^|[,;\s])code=202(?:$|[,;\s])/.test(prefer)
  )
}

/** The contract's 415: a body is JSON unless another media type is named. */
export async function readJsonBody(ctx: Ctx): Promise<unknown> {
  const type = ctx.request.headers.get('content-type')
  if (type && !/^application\/json\s*(;|$)/i.test(type)) {
    throw SnowflakeError.ofStatus(
      415,
      `Unsupported media type '${type}'. The API supports application/json only.`,
    )
  }
  // Malformed JSON is a MockStatusError 400, which the Snowflake error wrapper renders.
  return ctx.readJson()
}

/** Validates a body with its zod schema; a 400 naming `what` and every problem otherwise. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(body)
  if (!parsed.success)
    throw SnowflakeError.badRequest(
      `Invalid ${what} in request body: ${describeZodError(parsed.error)}.`,
    )
  return parsed.data
}

/**
 * A path parameter as the identifier it names (`ctx.params[param]`, resolved as Snowflake does);
 * `what` names it in the 400 a bad one gets, e.g. `database name`.
 */
export function pathIdentifier(ctx: Ctx, param: string, what: string): string {
  return resolveIdentifier(ctx.params[param] ?? '', what)
}
