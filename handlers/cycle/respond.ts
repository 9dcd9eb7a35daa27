import type { z } from 'zod'
import type { Answer } from '../../core/answer.ts'
import { jsonResponse, jsonTextResponse } from '../../core/json-response.ts'
import type { OperationContext, QuerySchema } from '../../core/vendor.ts'
import type { Caller } from './auth.ts'
import { advanceJobs } from './model/jobs.ts'
import type { CycleStore } from './store.ts'

export type Ctx = OperationContext<CycleStore, Caller, QuerySchema>

/**
 * Statuses `Prefer: code=` and fault rules may force: those of the contract's `Error.status` enum
 * that have a code of their own in its `Error.code` enum, plus 429 for `429.rate-limiting`.
 * @note The enum's 501 and 502 have no code (every code starts with its status), so no Cycle
 * error can carry them.
 */
export const ERROR_STATUSES = [400, 401, 403, 404, 409, 415, 422, 429, 500, 503, 504] as const

export const answers = (status: number, description: string, schema: z.ZodType) => ({
  [status]: { description, schema },
})

/** Brings jobs up to date with the session clock, then runs the operation for its caller. */
export async function run(ctx: Ctx, handle: (caller: Caller) => Answer | Promise<Answer>) {
  await advanceJobs(ctx.store, ctx.clock.now())
  return handle(ctx.principal)
}

export function ok(body: unknown, status = 200): Answer {
  return jsonResponse(body as Record<string, unknown>, { status })
}

/** A 200 whose body is this JSON text (an answer joined from records' cached JSON). */
export function okJson(json: string): Answer {
  return jsonTextResponse(json, { status: 200 })
}
