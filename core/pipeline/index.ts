import type { Answer } from '../answer.ts'
import { applyPreferences } from './apply-preferences.ts'
import { authenticate } from './authenticate.ts'
import type { Exchange, Step } from './exchange.ts'
import { forwardUpstream } from './forward-upstream.ts'
import { injectFaults, loseAnswer } from './inject-faults.ts'
import { readBody } from './read-body.ts'
import { recordJournal } from './record-journal.ts'
import { refuseUnrouted } from './refuse-unrouted.ts'
import { renderError } from './render-error.ts'
import { resolveSession, superseded, supersededError } from './resolve-session.ts'
import { runOperation } from './run-operation.ts'
import { shapeBody } from './shape-body.ts'
import { stampHeaders } from './stamp-headers.ts'

export { createFallbackIds, type Exchange, type Runtime } from './exchange.ts'

/**
 * The request steps, in order. Each may answer (set `response`), which ends the list; a throw
 * goes to {@link renderError}. Unrouted requests pass the session and body steps (so they are
 * journaled and counted against the size limit) and stop at `refuseUnrouted`. A request whose
 * session was reset or replaced after it resolved it answers the vendor's 503 (see `superseded`).
 */
export const REQUEST_STEPS: readonly Step[] = [
  resolveSession,
  readBody,
  refuseUnrouted,
  authenticate,
  injectFaults,
  applyPreferences,
  forwardUpstream,
  runOperation,
]

/** Steps every answer passes, whatever produced it. */
export const RESPONSE_STEPS: ReadonlyArray<(exchange: Exchange) => void | Promise<void>> = [
  stampHeaders,
  recordJournal,
  shapeBody,
]

/** Runs one exchange through the request steps, the error step and the response steps. */
export async function runPipeline(exchange: Exchange): Promise<Answer> {
  // Whether the operation (or the upstream) was reached: only then can an answer be lost.
  let reached = false
  try {
    for (const step of REQUEST_STEPS) {
      if (step === runOperation || step === forwardUpstream) reached = true
      await step(exchange)
      // A rule that fired after its delay, or an answer, belongs to a state that is gone.
      if (superseded(exchange) && step !== runOperation && step !== forwardUpstream)
        throw supersededError()
      if (exchange.response) break
    }
    if (!exchange.response) throw new Error(`${exchange.operationId} answered nothing`)
  } catch (error) {
    // So is a rule's error thrown after its delay.
    renderError(exchange, superseded(exchange) && !reached ? supersededError() : error)
  }
  if (reached) await loseAnswer(exchange)
  for (const step of RESPONSE_STEPS) await step(exchange)
  return exchange.response as Answer
}
