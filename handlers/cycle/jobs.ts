import { z } from 'zod'
import { cycleOperation } from './auth.ts'
import { findJob, pollJob, serializeJob } from './model/jobs.ts'
import { jobWireSchema } from './records.ts'
import { answers, ERROR_STATUSES, ok, run } from './respond.ts'

/** The job a deletion hands back, polled until it completes. */
export const jobOperations = [
  cycleOperation({
    id: 'getJob',
    permission: 'apionly-jobs-view',
    docs: {
      responses: answers(
        200,
        'The job, moved on by polls and the session clock',
        z.object({ data: jobWireSchema }),
      ),
    },
    method: 'GET',
    path: '/v1/jobs/{jobId}',
    summary: 'Get Job',
    // Each poll may move the job on a stage: two polls at once must not both read the old one.
    writes: true,
    statuses: [200, ...ERROR_STATUSES],
    handle: (ctx) =>
      run(ctx, async ({ hub }) => {
        const job = findJob(ctx.store, hub.id, ctx.params.jobId ?? '')
        return ok({ data: serializeJob(await pollJob(ctx.store, job, ctx.clock.now())) })
      }),
  }),
]
