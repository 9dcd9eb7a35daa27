import { type Clock, instantAfter } from '../../../core/clock.ts'
import type { Random } from '../../../core/random.ts'
import { CycleError } from '../errors.ts'
import { type Creator, type ImageSource, JOB_STAGES, type Job, ZERO_TIME } from '../records.ts'
import { type CycleStore, cycleTime, jobSettings, objectIdAt } from '../store.ts'

/** How long a deletion job may wait before it expires (it never does in the mock). */
const JOB_LIFETIME_MS = 10 * 60_000

const TASK_CAPTION = 'Delete Image Source'

/** The contract's `JobDescriptor`: what a call that starts a job answers. */
export interface JobDescriptor {
  action: string
  job: {
    id: string
    accepted: boolean
    queue: string
    schedule: string
    parallel: { sub_queue: string | null; tasks: boolean }
    tasks: Array<{
      caption: string
      header: string
      input: Record<string, unknown>
      steps: null
    }>
  }
}

/**
 * Starts the job that deletes `source`; it begins in state `new`. With `fail` (the message of an
 * `async: "fail"` fault) it ends in state `error` instead of completing, and the source stays.
 */
export async function startDeletionJob(
  store: CycleStore,
  source: ImageSource,
  creator: Creator,
  clock: Clock,
  random: Random,
  fail?: string,
): Promise<Job> {
  const now = clock.now()
  const at = cycleTime(now)
  return store.jobs.create({
    id: objectIdAt(now, random.hex(16)),
    hub_id: source.hub_id,
    queue: `hub-${source.hub_id}`,
    caption: `Delete image source ${source.name}`,
    events: { queued: ZERO_TIME, started: ZERO_TIME, completed: ZERO_TIME },
    schedule: at,
    expires: cycleTime(instantAfter(now, JOB_LIFETIME_MS)),
    tasks: [
      {
        id: objectIdAt(now, random.hex(16)),
        caption: TASK_CAPTION,
        header: 'delete',
        events: { queued: ZERO_TIME, started: ZERO_TIME, completed: ZERO_TIME },
        error: null,
        steps: [
          {
            caption: 'Deleting images',
            description: 'Removing every image imported or built from this source.',
            started: ZERO_TIME,
            completed: ZERO_TIME,
          },
          {
            caption: 'Removing image source',
            description: 'Marking the image source deleted.',
            started: ZERO_TIME,
            completed: ZERO_TIME,
          },
        ],
        state: { changed: at, current: 'pending' },
        input: { source_id: source.id },
        output: null,
      },
    ],
    hash: random.hex(40),
    limit_duplicates: true,
    creator,
    state: { current: 'new', changed: at, error: null },
    progress: {
      source_id: source.id,
      polls: 0,
      created_ms: now,
      ...(fail === undefined ? {} : { fail }),
    },
  })
}

/** The descriptor a deletion answers with (contract `JobDescriptor`). */
export function describeJob(job: Job): JobDescriptor {
  return {
    action: 'delete',
    job: {
      id: job.id,
      accepted: true,
      queue: job.queue,
      schedule: job.schedule,
      parallel: { sub_queue: null, tasks: false },
      tasks: job.tasks.map((task) => ({
        caption: task.caption,
        header: task.header,
        input: task.input,
        steps: null,
      })),
    },
  }
}

/** The job still working on `sourceId`, if any (one that completed or failed is done). */
export function pendingJobFor(store: CycleStore, sourceId: string): Job | undefined {
  return store.jobs
    .all()
    .find(
      (job) =>
        job.progress.source_id === sourceId &&
        job.state.current !== 'completed' &&
        job.state.current !== 'error',
    )
}

/**
 * Moves every unfinished job to the stage its polls or the session clock have reached, and with
 * the last stage marks its source deleted. Runs before each Cycle request, so time alone (or
 * `mock.clock.advance`) completes jobs nobody polls.
 * @note Real jobs move at the platform's pace; here a stage takes `stage_polls` polls or
 * `stage_ms` of session time (store.jobSettings; 1 poll or 2 s by default), whichever comes first.
 */
export async function advanceJobs(store: CycleStore, now: number): Promise<void> {
  const settings = jobSettings(store)
  for (const job of store.jobs.all()) {
    const from = JOB_STAGES.indexOf(job.state.current as (typeof JOB_STAGES)[number])
    if (from < 0 || from === JOB_STAGES.length - 1) continue
    // The first poll sees the job as created; each further `stage_polls` polls move it a stage.
    const byPolls = Math.floor(Math.max(0, job.progress.polls - 1) / settings.stage_polls)
    const byTime = Math.floor((now - job.progress.created_ms) / settings.stage_ms)
    const to = Math.min(JOB_STAGES.length - 1, Math.max(byPolls, byTime))
    if (to <= from) continue
    await moveJob(store, job, from, to, now, settings.stage_ms)
  }
}

/** Counts a poll of getJob and moves the job as far as polls and time allow; returns it. */
export async function pollJob(store: CycleStore, job: Job, now: number): Promise<Job> {
  await store.jobs.update((q) => q.where({ id: job.id }), {
    data(draft) {
      draft.progress.polls += 1
    },
  })
  await advanceJobs(store, now)
  return store.jobById.first(job.id) ?? job
}

/** The job by ID within a hub, or `404.job`. */
export function findJob(store: CycleStore, hubId: string, jobId: string): Job {
  const job = store.jobById.first(jobId)
  if (!job || job.hub_id !== hubId) {
    throw new CycleError(
      404,
      '404.job',
      'Job not found',
      `No job with ID '${jobId.slice(0, 80)}' exists in this hub.`,
    )
  }
  return job
}

/** The contract's `Job`: the stored job without the mock's bookkeeping. */
export function serializeJob(job: Job): Omit<Job, 'progress'> {
  const { progress: _progress, ...wire } = job
  return wire
}

async function moveJob(
  store: CycleStore,
  job: Job,
  from: number,
  to: number,
  now: number,
  stageMs: number,
): Promise<void> {
  // A stage reached by time happened when its threshold passed; one reached by polling, now.
  const reachedAt = (stage: number) =>
    cycleTime(Math.min(now, job.progress.created_ms + stage * stageMs))
  let completedAt: string | undefined
  let failedAt: string | undefined
  const fail = job.progress.fail
  await store.jobs.update((q) => q.where({ id: job.id }), {
    data(draft) {
      const task = draft.tasks[0]
      for (let stage = from + 1; stage <= to; stage++) {
        const at = reachedAt(stage)
        if (stage === JOB_STAGES.length - 1 && fail !== undefined) {
          // The last stage of a job told to fail: its error state, the message on job and task.
          failedAt = at
          draft.state = { current: 'error', changed: at, error: { message: fail } }
          if (task) {
            task.state = { changed: at, current: 'error' }
            task.error = { message: fail }
          }
          break
        }
        draft.state.current = JOB_STAGES[stage] as Job['state']['current']
        draft.state.changed = at
        if (stage === 1) {
          draft.events.queued = at
          if (task) task.events.queued = at
        } else if (stage === 2) {
          draft.events.started = at
          if (task) {
            task.events.started = at
            task.state = { changed: at, current: 'running' }
            if (task.steps?.[0]) task.steps[0].started = at
          }
        } else {
          draft.events.completed = at
          completedAt = at
          if (task) {
            task.events.completed = at
            task.state = { changed: at, current: 'completed' }
            for (const step of task.steps ?? []) {
              if (step.started === ZERO_TIME) step.started = at
              step.completed = at
            }
          }
        }
      }
    },
  })
  if (completedAt !== undefined) await finishDeletion(store, job.progress.source_id, completedAt)
  if (failedAt !== undefined) await keepSource(store, job.progress.source_id, failedAt)
}

/** A failed deletion leaves its source as it was: live again, images kept, deletable anew. */
async function keepSource(store: CycleStore, sourceId: string, at: string): Promise<void> {
  await store.sources.update((q) => q.where({ id: sourceId }), {
    data(draft) {
      if (draft.state.current === 'deleting') draft.state = { current: 'live', changed: at }
    },
  })
}

async function finishDeletion(store: CycleStore, sourceId: string, at: string): Promise<void> {
  const source = store.sourceById.first(sourceId)
  if (source) {
    await store.sources.update((q) => q.where({ id: source.id }), {
      data(draft) {
        draft.state = { current: 'deleted', changed: at }
        draft.events.deleted = at
      },
    })
  }
  store.images.deleteMany((q) => q.where({ source_id: sourceId }))
}
