import type { z } from 'zod'
import type { Answer } from '../../core/answer.ts'
import { MockError } from '../../core/errors.ts'
import { jsonResponse, jsonTextResponse } from '../../core/json-response.ts'
import { type MockRequest, parseWith, readJsonBody as readJson } from '../../core/request-input.ts'
import type { OperationContext, QuerySchema } from '../../core/vendor.ts'
import { invalidSnowflakeBody, SNOWFLAKE_CODES, SnowflakeError } from './errors.ts'
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

/** A finished operation: status and JSON body, as a value or as JSON text already serialized. */
export type Outcome = { status: number; body: unknown } | { status: number; json: string }

/** A 200 with `body`. */
export const ok = (body: unknown): Outcome => ({ status: 200, body })

/** A 200 whose body is this JSON text (an answer joined from records' cached JSON). */
export const okJson = (json: string): Outcome => ({ status: 200, json })

/** The JSON text of an outcome's body. */
function outcomeJson(outcome: Outcome): string {
  return 'json' in outcome ? outcome.json : JSON.stringify(outcome.body)
}

/** The async work of every operation but fetchResult: a `Prefer: respond-async` result. */
export const RESPOND_ASYNC = {
  what: 'a Prefer: respond-async result, polled with fetchResult',
  starts: wantsAsync,
}

/**
 * Runs an operation now and answers 200, or with `Prefer: respond-async` (or `code=202`) stores
 * the outcome, errors included, and answers 202 with a `Location` to poll. With `ctx.failAsync`
 * (an `async: "fail"` fault) the async statement fails: nothing changes, and the poll that finds
 * it ready gets Snowflake's 500 `ErrorResponse` naming the rule.
 * @note result.yaml's fetchResult answers a finished request's own status and body, its errors
 * in common.yaml's `ErrorResponse`; a statement that fails inside Snowflake is its 500.
 */
export async function answer(ctx: Ctx, run: () => Promise<Outcome>): Promise<Answer> {
  if (!wantsAsync(ctx.request)) {
    const outcome = await run()
    return 'json' in outcome
      ? jsonTextResponse(outcome.json, { status: outcome.status })
      : jsonResponse(outcome.body as object, { status: outcome.status })
  }
  let outcome: Outcome
  try {
    if (ctx.failAsync) {
      throw SnowflakeError.ofStatus(
        500,
        `Asynchronous request failed: injected by fault rule "${ctx.failAsync.rule}".`,
      )
    }
    outcome = await run()
  } catch (error) {
    if (!(error instanceof MockError)) throw error
    const rendered = ctx.renderError(error)
    outcome = { status: rendered.status, body: rendered.body }
  }
  const result = { status: outcome.status, json: outcomeJson(outcome) }
  return accepted(await storeAsyncResult(ctx.store, result, ctx.clock, ctx.random))
}

/** The contract's 202 `SuccessAcceptedResponse`, with `Location` to poll. */
export function accepted(handle: string): Answer {
  return jsonResponse(
    { code: SNOWFLAKE_CODES.asyncInProgress, message: IN_PROGRESS, resultHandler: handle },
    { status: 202, headers: { Location: `/api/v2/results/${handle}` } },
  )
}

function wantsAsync(request: MockRequest): boolean {
  const prefer = request.headers.get('prefer') ?? ''
  return (
    /(?:^|[,;\s])respond-async(?:$|[,;\s])/i.test(prefer) ||
    /(?:^|[,;\s])code=202(?:$|[,;\s])/.test(prefer)
  )
}

/** The request's JSON body; another media type is the contract's 415 (core/request-input.ts). */
export function readJsonBody(ctx: Ctx): Promise<unknown> {
  return readJson(ctx, SnowflakeError.unsupportedMediaType)
}

/** Validates a body with its zod schema; a 400 naming `what` and every problem otherwise. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
): z.output<S> {
  return parseWith(schema, body, invalidSnowflakeBody(what))
}

/**
 * A path parameter as the identifier it names (`ctx.params[param]`, resolved as Snowflake does);
 * `what` names it in the 400 a bad one gets, e.g. `database name`.
 */
export function pathIdentifier(ctx: Ctx, param: string, what: string): string {
  return resolveIdentifier(ctx.params[param] ?? '', what)
}
