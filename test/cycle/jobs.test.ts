import { afterEach, describe, expect, it } from 'vitest'
import { CYCLE_API_KEYS, CYCLE_HUBS } from '../../fixtures/cycle.ts'
import type { MockOptions } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectCycleShape } from './contract.ts'
import { AUTH, client, expectCycleError, HUB, OBJECT_ID, SOURCES, ZERO_TIME } from './helpers.ts'

/** A frozen clock: only polls, or explicit `mock.clock.advance`, move jobs. */
const FROZEN: MockOptions = { clock: { stepMs: 0 } }

describe.each(TRANSPORTS)('Cycle deleteImageSource and getJob (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())
  const { get, del, patch } = client(() => h)

  async function start(options: MockOptions = {}) {
    h = await startHarness(transport, options)
  }

  /** A live main-hub source that has images. */
  function sourceWithImages() {
    const images = h.mock.db.cycle.images.all()
    const source = h.mock.db.cycle.sources
      .all()
      .find(
        (s) =>
          s.hub_id === HUB &&
          s.state.current === 'live' &&
          images.some((i) => i.source_id === s.id),
      )
    expect(source, 'the default scenario has a live source with images').toBeDefined()
    return source as NonNullable<typeof source>
  }

  async function deleteSource(id: string) {
    const response = await del(`${SOURCES}/${id}`)
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(202)
    expectCycleShape('deleteImageSource', body)
    return body.data as { action: string; job: { id: string; accepted: boolean } }
  }

  async function poll(jobId: string) {
    const response = await get(`/v1/jobs/${jobId}`)
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(200)
    expectCycleShape('getJob', body)
    return body.data as {
      id: string
      state: { current: string; changed: string }
      events: { queued: string; started: string; completed: string }
      tasks: Array<{ state: { current: string }; input: { source_id: string } }>
    }
  }

  async function sourceState(id: string) {
    const body = await (await get(`${SOURCES}/${id}`)).json()
    expectCycleShape('getImageSource', body)
    return body.data as { state: { current: string }; events: { deleted: string } }
  }

  it('answers 202 with a JobDescriptor and marks the source deleting at once', async () => {
    await start(FROZEN)
    const source = sourceWithImages()
    const descriptor = await deleteSource(source.id)
    expect(descriptor.action).toBe('delete')
    expect(descriptor.job.id).toMatch(OBJECT_ID)
    expect(descriptor.job.accepted).toBe(true)
    expect((await sourceState(source.id)).state.current).toBe('deleting')
  })

  it('follows a deletion job to completion by polling: new → queued → running → completed', async () => {
    await start(FROZEN)
    const source = sourceWithImages()
    const { job } = await deleteSource(source.id)
    const seen: string[] = []
    let last = await poll(job.id)
    seen.push(last.state.current)
    while (last.state.current !== 'completed' && seen.length < 10) {
      expect((await sourceState(source.id)).state.current).toBe('deleting')
      last = await poll(job.id)
      seen.push(last.state.current)
    }
    expect(seen).toEqual(['new', 'queued', 'running', 'completed'])
    expect(last.tasks[0]?.state.current).toBe('completed')
    expect(last.tasks[0]?.input.source_id).toBe(source.id)
    for (const event of Object.values(last.events)) expect(event).not.toBe(ZERO_TIME)

    const deleted = await sourceState(source.id)
    expect(deleted.state.current).toBe('deleted')
    expect(deleted.events.deleted).toBe(last.events.completed)
    const listed = await (await get(SOURCES)).json()
    expect(listed.data.map((s: { id: string }) => s.id)).not.toContain(source.id)
    expect(
      h.mock.db.cycle.images.all().filter((i) => i.source_id === source.id),
      'the source’s images go with it',
    ).toEqual([])
  })

  it('counts every one of several polls sent at once, each moving the job one stage', async () => {
    await start(FROZEN)
    const { job } = await deleteSource(sourceWithImages().id)
    const states = (await Promise.all([1, 2, 3, 4].map(() => poll(job.id)))).map(
      (j) => j.state.current,
    )
    expect([...states].sort()).toEqual(['completed', 'new', 'queued', 'running'])
  })

  it('follows a deletion job to completion by advancing the session clock', async () => {
    await start(FROZEN)
    const source = sourceWithImages()
    const { job } = await deleteSource(source.id)
    const created = h.mock.clock.now()
    h.mock.clock.advance(2000)
    expect((await sourceState(source.id)).state.current, 'time alone moves the job').toBe(
      'deleting',
    )
    const queued = await poll(job.id)
    expect(queued.state.current).toBe('queued')
    expect(queued.events.queued).toBe(new Date(created + 2000).toISOString().replace('.000', ''))
    expect(queued.events.started).toBe(ZERO_TIME)

    h.mock.clock.advance(60_000)
    const deleted = await sourceState(source.id)
    expect(deleted.state.current, 'the source is deleted before anyone polls the job').toBe(
      'deleted',
    )
    const completed = await poll(job.id)
    expect(completed.state.current).toBe('completed')
    expect(completed.events.completed, 'completed when its stage time passed').toBe(
      new Date(created + 6000).toISOString().replace('.000', ''),
    )
    expect(deleted.events.deleted).toBe(completed.events.completed)
  })

  it('completes with time alone on the default clock, one second per request', async () => {
    await start()
    const source = sourceWithImages()
    const { job } = await deleteSource(source.id)
    for (let i = 0; i < 6; i++) expect((await get(SOURCES)).status).toBe(200)
    expect(h.mock.db.cycle.sources.all().find((s) => s.id === source.id)?.state.current).toBe(
      'deleted',
    )
    expect((await poll(job.id)).state.current).toBe('completed')
  })

  it('takes as many polls per stage as the job settings say', async () => {
    await start(FROZEN)
    const settings = h.mock.db.cycle.jobSettings.all()[0]
    expect(settings).toBeDefined()
    await h.mock.db.cycle.jobSettings.update(settings as NonNullable<typeof settings>, {
      data(draft) {
        draft.stage_polls = 2
      },
    })
    const { job } = await deleteSource(sourceWithImages().id)
    const seen: string[] = []
    for (let i = 0; i < 7; i++) seen.push((await poll(job.id)).state.current)
    expect(seen).toEqual(['new', 'new', 'queued', 'queued', 'running', 'running', 'completed'])
  })

  it('answers 409.duplicate-found to a second delete while the job runs, 403.invalid-state after', async () => {
    await start(FROZEN)
    const source = sourceWithImages()
    const { job } = await deleteSource(source.id)
    await expectCycleError(
      await del(`${SOURCES}/${source.id}`),
      409,
      '409.duplicate-found',
      new RegExp(`Image source '${source.id}' is already being deleted by job '${job.id}'`),
    )
    await expectCycleError(
      await patch(`${SOURCES}/${source.id}`, { name: 'late' }),
      403,
      '403.invalid-state',
      /is deleting and cannot be updated/,
    )
    h.mock.clock.advance(60_000)
    await expectCycleError(
      await del(`${SOURCES}/${source.id}`),
      403,
      '403.invalid-state',
      /is deleted and cannot be deleted/,
    )
    await expectCycleError(
      await patch(`${SOURCES}/${source.id}/access`, { acl: null }),
      403,
      '403.invalid-state',
      /is deleted and cannot be updated/,
    )
  })

  it('answers 404 for deleting an unknown source', async () => {
    await start(FROZEN)
    await expectCycleError(
      await del(`${SOURCES}/000000000000000000000000`),
      404,
      '404.image.source',
      /No image source with ID '000000000000000000000000'/,
    )
  })

  it('answers 404.job for an unknown job and for a job of another hub', async () => {
    await start(FROZEN)
    await expectCycleError(
      await get('/v1/jobs/000000000000000000000000'),
      404,
      '404.job',
      /No job with ID '000000000000000000000000' exists in this hub/,
    )
    const { job } = await deleteSource(sourceWithImages().id)
    await expectCycleError(
      await get(`/v1/jobs/${job.id}`, {
        Authorization: `Bearer ${CYCLE_API_KEYS.staging}`,
        'X-Hub-Id': CYCLE_HUBS.staging.id,
      }),
      404,
      '404.job',
      /exists in this hub/,
    )
    expect((await get(`/v1/jobs/${job.id}`, AUTH)).status).toBe(200)
  })
})
