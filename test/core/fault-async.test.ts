import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const CYCLE = {
  Authorization: 'Bearer t',
  'X-Hub-Id': '651586fca6078e98982dbd90',
  'Content-Type': 'application/json',
}
const SNOWFLAKE = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

/** Async work that ends in error: Cycle's jobs and Snowflake's respond-async results. */
describe.each(TRANSPORTS)('effect.async: "fail" (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport, { scenario: 'default', seed: 1 })
  })
  afterEach(() => h.close())

  const addRule = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status, await response.clone().text()).toBe(201)
  }
  const ruleError = async (rule: unknown) => {
    const response = await h.fetch('/__mock/faults', { method: 'POST', body: JSON.stringify(rule) })
    expect(response.status).toBe(400)
    return (await response.json()).error.message as string
  }
  const createSource = async (name: string) => {
    const response = await h.fetch('/v1/images/sources', {
      method: 'POST',
      headers: CYCLE,
      body: JSON.stringify({
        name,
        type: 'direct',
        origin: { type: 'docker-hub', details: { target: 'nginx:latest' } },
      }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { data: { id: string } }).data.id
  }
  const pollJob = async (id: string) => {
    let job: { state: { current: string; error: { message: string } | null } } | undefined
    for (let poll = 0; poll < 6; poll++) {
      const response = await h.fetch(`/v1/jobs/${id}`, { headers: CYCLE })
      expect(response.status).toBe(200)
      job = (await response.json()).data
      if (job?.state.current === 'error' || job?.state.current === 'completed') break
    }
    return job
  }

  it("Cycle: the deletion's 202 arrives, then its job ends in error and the source is not deleted", async () => {
    const id = await createSource('doomed')
    await addRule({
      id: 'job-fails',
      match: { operation: 'cycle.deleteImageSource' },
      effect: { async: 'fail' },
      times: 1,
    })
    const deleted = await h.fetch(`/v1/images/sources/${id}`, { method: 'DELETE', headers: CYCLE })
    expect(deleted.status).toBe(202)
    expect(deleted.headers.get('x-mock-fault')).toBe('job-fails')
    const jobId = (await deleted.json()).data.job.id as string
    const job = await pollJob(jobId)
    expect(job?.state.current).toBe('error')
    expect(job?.state.error?.message).toMatch(/Unable to delete image source 'doomed'.*job-fails/)
    const source = await h.fetch(`/v1/images/sources/${id}`, { headers: CYCLE })
    expect(source.status).toBe(200)
    expect((await source.json()).data.state.current).toBe('live')
    const [entry] = h.mock.journal.find({ operation: 'cycle.deleteImageSource' })
    expect(entry).toMatchObject({ status: 202, fault: 'job-fails', asyncFailed: true })
    expect(h.mock.faults.list()).toMatchObject([{ id: 'job-fails', matched: 1, fired: 1 }])
    // The rule is spent: deleting again starts a job that completes.
    const again = await h.fetch(`/v1/images/sources/${id}`, { method: 'DELETE', headers: CYCLE })
    expect(again.status).toBe(202)
    expect((await pollJob((await again.json()).data.job.id))?.state.current).toBe('completed')
  })

  it('Snowflake: the respond-async 202 arrives, the poll gets the 500 ErrorResponse, nothing is created', async () => {
    await addRule({
      id: 'statement-fails',
      match: { operation: 'snowflake.createImageRepository' },
      effect: { async: 'fail' },
    })
    const accepted = await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...SNOWFLAKE, Prefer: 'respond-async' },
      body: JSON.stringify({ name: 'never_made' }),
    })
    expect(accepted.status).toBe(202)
    expect(accepted.headers.get('x-mock-fault')).toBe('statement-fails')
    const location = accepted.headers.get('location') as string
    h.mock.clock.advance(60_000)
    const polled = await h.fetch(location, { headers: SNOWFLAKE })
    expect(polled.status).toBe(500)
    const body = await polled.json()
    expect(body).toMatchObject({ code: '300002', error_code: '300002' })
    expect(body.message).toMatch(/Asynchronous request failed.*statement-fails/)
    expect(typeof body.request_id).toBe('string')
    const fetched = await h.fetch(`${REPOS}/never_made`, { headers: SNOWFLAKE })
    expect(fetched.status).toBe(404)
    // Without Prefer: respond-async the create starts no async work: the rule does not match.
    const sync = await h.fetch(REPOS, {
      method: 'POST',
      headers: SNOWFLAKE,
      body: JSON.stringify({ name: 'made_now' }),
    })
    expect(sync.status).toBe(200)
    expect(sync.headers.get('x-mock-fault')).toBeNull()
    expect(h.mock.faults.list()).toMatchObject([{ matched: 1, fired: 1 }])
    expect(h.mock.journal.find({ operation: 'snowflake.createImageRepository' })).toMatchObject([
      { status: 202, fault: 'statement-fails', asyncFailed: true },
      { status: 200, fault: null },
    ])
  })

  it('refuses async on operations that start no async work, naming the ones that do', async () => {
    const message = await ruleError({
      match: { operation: 'swr.*' },
      effect: { async: 'fail' },
    })
    expect(message).toMatch(/effect\.async: swr\.\* starts no async work/)
    expect(message).toContain('cycle.deleteImageSource (a deletion job, polled with getJob)')
    expect(message).toContain('snowflake.createImageRepository (a Prefer: respond-async result')
    expect(
      await ruleError({ match: { operation: 'cycle.*' }, effect: { async: 'later' } }),
    ).toMatch(/effect\.async: /)
    expect(
      await ruleError({
        match: { operation: 'cycle.deleteImageSource' },
        effect: { async: 'fail', status: 503 },
      }),
    ).toMatch(/effect\.status: goes not with async/)
  })
})

/** afterCommit where "committed" means nothing. */
describe.each(TRANSPORTS)('afterCommit on operations that only read (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('is refused with a 400 naming the operation; a wider glob skips the reads', async () => {
    const refused = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        match: { operation: 'snowflake.listImageRepositories' },
        effect: { network: 'reset', when: 'afterCommit' },
      }),
    })
    expect(refused.status).toBe(400)
    expect((await refused.json()).error.message).toMatch(
      /afterCommit needs an operation that stores a change.*snowflake\.listImageRepositories only reads/,
    )
    const byMethod = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        match: { operation: 'snowflake.list*', method: 'GET' },
        effect: { status: 504, when: 'afterCommit' },
      }),
    })
    expect(byMethod.status).toBe(400)
    // A poll stores a change (the job moves on), so afterCommit is taken there.
    const poll = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        match: { operation: 'cycle.getJob' },
        effect: { status: 504, when: 'afterCommit' },
      }),
    })
    expect(poll.status).toBe(201)
    await h.fetch('/__mock/faults', { method: 'DELETE' })
    h.mock.faults.add({
      id: 'lost',
      match: { operation: 'snowflake.*' },
      effect: { status: 504, when: 'afterCommit' },
    })
    const list = await h.fetch(REPOS, { headers: SNOWFLAKE })
    expect(list.status).toBe(200)
    const create = await h.fetch(REPOS, {
      method: 'POST',
      headers: SNOWFLAKE,
      body: JSON.stringify({ name: 'kept' }),
    })
    expect(create.status).toBe(504)
    expect(h.mock.faults.list()).toMatchObject([{ matched: 1, fired: 1 }])
  })
})
