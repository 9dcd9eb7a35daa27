import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import '../../matchers.ts'
import type { JournalEntry } from '../../core/journal.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer t' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories'
const CREATE = 'snowflake.createImageRepository'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A scripted client: sends `send` until an answer is not worth retrying or `attempts` ran out,
 * waiting `wait(i, answer)` ms before retry i (answer: the failed one, or null for no answer).
 */
async function client(
  send: () => Promise<Response>,
  attempts: number,
  wait: (i: number, answer: Response | null) => number,
): Promise<number> {
  for (let i = 0; ; i++) {
    let answer: Response | null = null
    try {
      answer = await send()
      await answer.arrayBuffer()
    } catch {
      // No answer: a network fault.
    }
    const retryable = !answer || answer.status === 429 || answer.status >= 500
    if (!retryable || i + 1 >= attempts) return answer?.status ?? 0
    await sleep(wait(i + 1, answer))
  }
}

const retryAfterMs = (answer: Response | null) =>
  Number(answer?.headers.get('retry-after') ?? 0) * 1000

describe.each(TRANSPORTS)('retry chains and coverage (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const list = () => h.fetch(REPOS, { headers: AUTH })
  const fail = (effect: object, times?: number, operation = LIST) =>
    h.mock.faults.add({ match: { operation }, effect, ...(times ? { times } : {}) } as never)

  it('a client that honours Retry-After: constant waits, honoured, succeeded', async () => {
    fail({ status: 503, retryAfter: 1 }, 2)
    expect(await client(list, 5, (_, answer) => retryAfterMs(answer))).toBe(200)
    const chains = (await (await h.fetch('/__mock/retries')).json()).chains
    expect(chains).toHaveLength(1)
    const [chain] = chains
    expect(chain).toMatchObject({
      operation: LIST,
      method: 'GET',
      path: REPOS,
      honouredRetryAfter: true,
      backoff: 'constant',
      outcome: 'succeeded',
      duplicateWrite: false,
    })
    expect(chain.attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 200])
    expect(chain.attempts[0]).toMatchObject({ retryAfterMs: 1000, waitedMs: null, fault: 'rule-1' })
    for (const attempt of chain.attempts.slice(1)) {
      expect(attempt.waitedMs).toBeGreaterThanOrEqual(990)
      expect(attempt.waitedMs).toBeLessThan(1500)
    }
    expect(h.mock).toHaveRetried(LIST, { times: 2, honouringRetryAfter: true, backoff: 'constant' })
    expect(h.mock).not.toHaveRetried(LIST, { times: 3 })
    expect(h.mock).toHaveNoDuplicateWrites()
  })

  it('a client that retries at once: no waits, Retry-After not honoured, and the message says so', async () => {
    fail({ status: 503, retryAfter: 1 }, 2)
    expect(await client(list, 5, () => 0)).toBe(200)
    const [chain] = h.mock.retries().chains
    expect(chain).toMatchObject({
      honouredRetryAfter: false,
      backoff: 'none',
      outcome: 'succeeded',
    })
    expect(h.mock).toHaveRetried(LIST, { times: 2 })
    expect(h.mock).not.toHaveRetried(LIST, { honouringRetryAfter: true })
    let message = ''
    try {
      expect(h.mock).toHaveRetried(LIST, { honouringRetryAfter: true })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/0 of 1 retry chain showed it/)
    expect(message).toMatch(/#1 503 \(Retry-After 1000 ms\) → waited \d+ ms → #2 503/)
    expect(message).toMatch(/Retry-After not honoured, succeeded/)
  })

  it('a client backing off exponentially with jitter', async () => {
    fail({ status: 500 }, 4)
    const jitter = [1.2, 0.85, 1.15, 0.9]
    expect(await client(list, 6, (i) => 120 * 2 ** (i - 1) * (jitter[i - 1] as number))).toBe(200)
    const [chain] = h.mock.retries().chains
    expect(chain).toMatchObject({
      backoff: 'exponential',
      jitter: true,
      honouredRetryAfter: null,
      outcome: 'succeeded',
    })
    expect(chain?.attempts).toHaveLength(5)
    expect(h.mock).toHaveRetried(LIST, { times: 4, backoff: 'exponential' })
    expect(h.mock).not.toHaveRetried(LIST, { backoff: 'constant' })
  })

  it('a client that gives up: pending inside the window, gave-up after it; a session of its own', async () => {
    const session = h.mock.session('give-up')
    session.faults.add({ match: { operation: LIST }, effect: { network: 'reset' } })
    const send = () => h.fetch(REPOS, { headers: { ...AUTH, 'X-Mock-Session': 'give-up' } })
    expect(await client(send, 3, () => 70)).toBe(0)
    expect(session.retries().chains[0]?.outcome).toBe('pending')
    await sleep(250)
    const [chain] = session.retries({ windowMs: 150 }).chains
    expect(chain).toMatchObject({ outcome: 'gave-up' })
    expect(chain?.attempts.map((a) => a.network)).toEqual(['reset', 'reset', 'reset'])
    const polled = await (
      await h.fetch('/__mock/retries?windowMs=150', { headers: { 'X-Mock-Session': 'give-up' } })
    ).json()
    expect(polled.chains[0].outcome).toBe('gave-up')
    expect(session).toHaveRetried(LIST, { times: 2 })
    // The default session saw none of it.
    expect(h.mock.retries()).toEqual({ chains: [] })
    expect(h.mock).not.toHaveRetried(LIST)
    // Coverage: what the client met and what it never did.
    const report = session.coverage()
    expect(report.operations).toEqual([
      {
        operation: LIST,
        calls: 3,
        received: { statuses: [], faults: ['reset'] },
        untested: {
          statuses: expect.arrayContaining([429, 503]),
          faults: ['timeout', 'truncate', 'garbage', 'empty', 'slowBody', 'asyncFail'],
        },
      },
    ])
    const overHttp = await (
      await h.fetch('/__mock/coverage', { headers: { 'X-Mock-Session': 'give-up' } })
    ).json()
    expect(overHttp).toEqual(JSON.parse(JSON.stringify(report)))
  })

  it('requests in flight together are no chain, however their answers fail', async () => {
    fail({ status: 503, delayMs: 500 })
    const answers = await Promise.all(
      [0, 100, 200].map(async (after) => {
        await sleep(after)
        const answer = await list()
        await answer.arrayBuffer()
        return answer.status
      }),
    )
    expect(answers).toEqual([503, 503, 503])
    expect(h.mock.retries()).toEqual({ chains: [] })
    expect(h.mock).not.toHaveRetried(LIST)
  })

  it('requests aborted together are no chain', async () => {
    fail({ delayMs: 1_000 })
    const controller = new AbortController()
    const sent = [0, 50, 100].map(async (after) => {
      await sleep(after)
      await h.fetch(REPOS, { headers: AUTH, signal: controller.signal }).catch(() => undefined)
    })
    await sleep(300)
    controller.abort()
    await Promise.all(sent)
    // Each is journaled once the mock is done with it (its delay over, or the connection closed).
    for (let i = 0; i < 40 && h.mock.journal.size < 3; i++) await sleep(100)
    expect(h.mock.journal.find().map((e) => e.operation)).toEqual([LIST, LIST, LIST])
    expect(h.mock.retries()).toEqual({ chains: [] })
    expect(h.mock).not.toHaveRetried(LIST)
  })

  it('clients retrying side by side: one chain each, every wait from its own answer', async () => {
    fail({ status: 503, delayMs: 300 }, 3)
    const statuses = await Promise.all(
      [0, 50, 100].map(async (after) => {
        await sleep(after)
        return client(list, 2, () => 150)
      }),
    )
    expect(statuses).toEqual([200, 200, 200])
    const { chains } = h.mock.retries()
    expect(chains).toHaveLength(3)
    for (const chain of chains) {
      expect(chain.attempts.map((a) => a.status)).toEqual([503, 200])
      const waited = chain.attempts[1]?.waitedMs as number
      expect(waited).toBeGreaterThanOrEqual(140)
      expect(waited).toBeLessThan(1_000)
      expect(chain.outcome).toBe('succeeded')
    }
    expect(h.mock).toHaveRetried(LIST, { times: 1 })
  })

  it('different bodies, successes and single requests are no chain; coverage per operation', async () => {
    const create = (name: string) =>
      h.fetch(REPOS, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      })
    fail({ status: 503 }, 1, CREATE)
    expect((await create('a')).status).toBe(503)
    expect((await create('b')).status).toBe(200)
    expect((await list()).status).toBe(200)
    expect((await list()).status).toBe(200)
    expect(h.mock.retries()).toEqual({ chains: [] })
    const { operations } = h.mock.coverage()
    expect(operations.map((op) => [op.operation, op.calls])).toEqual([
      [CREATE, 2],
      [LIST, 2],
    ])
    const created = operations[0]
    expect(created?.received.statuses).toEqual([200, 503])
    expect(created?.untested.statuses).not.toContain(503)
    expect(created?.untested.statuses).toContain(409)
    // afterCommit is a write's fault only.
    expect(created?.untested.faults).toContain('afterCommit')
    expect(operations[1]?.untested.faults).not.toContain('afterCommit')
  })

  it('a client that re-sends a create whose answer was lost: a duplicate write', async () => {
    fail({ network: 'reset', when: 'afterCommit' }, 1, CREATE)
    const create = () =>
      h.fetch(REPOS, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'LOST_ANSWER' }),
      })
    expect(await client(create, 3, () => 150)).toBe(409)
    const [chain] = h.mock.retries().chains
    expect(chain).toMatchObject({ operation: CREATE, duplicateWrite: true, outcome: 'failed' })
    expect(chain?.attempts.map((a) => [a.status, a.network])).toEqual([
      [0, 'reset'],
      [409, null],
    ])
    expect(h.mock).not.toHaveNoDuplicateWrites(CREATE)
    expect(h.mock).toHaveNoDuplicateWrites(LIST)
    expect(h.mock.coverage().operations[0]?.received.faults).toEqual(['reset', 'afterCommit'])
  })

  it('answers { chains } from GET /__mock/retries and mock.retries() alike, ?operation= filtering', async () => {
    fail({ status: 503 }, 1)
    fail({ status: 503 }, 1, CREATE)
    const create = () =>
      h.fetch(REPOS, {
        method: 'POST',
        headers: { ...AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'SAME_SHAPE' }),
      })
    expect(await client(list, 3, () => 0)).toBe(200)
    expect(await client(create, 3, () => 0)).toBe(200)
    const wire = await (await h.fetch('/__mock/retries')).json()
    expect(Object.keys(wire)).toEqual(['chains'])
    expect(h.mock.retries()).toEqual(wire)
    expect(wire.chains.map((c: { operation: string }) => c.operation)).toEqual([LIST, CREATE])
    const creates = await (await h.fetch(`/__mock/retries?operation=${CREATE}`)).json()
    expect(creates.chains.map((c: { operation: string }) => c.operation)).toEqual([CREATE])
    expect(h.mock.retries({ operation: CREATE })).toEqual(creates)
    const globbed = await (await h.fetch('/__mock/retries?operation=snowflake.list*')).json()
    expect(globbed).toEqual(h.mock.retries({ operation: 'snowflake.list*' }))
    expect(globbed.chains.map((c: { operation: string }) => c.operation)).toEqual([LIST])
  })

  it('refuses a bad windowMs or an unknown operation with a 400', async () => {
    const bad = await h.fetch('/__mock/retries?windowMs=soon')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/windowMs must be a whole number/)
    const typo = await h.fetch('/__mock/retries?operation=snowflake.listImageRepository')
    expect(typo.status).toBe(400)
    expect((await typo.json()).error.message).toMatch(
      /did you mean "snowflake.listImageRepositories"/,
    )
    expect(() => h.mock.retries({ windowMs: -1 })).toThrow(/windowMs/)
  })
})

describe('a create re-sent after its answer was lost', () => {
  /** Journal entries as the mock records an afterCommit reset and the client's re-send. */
  const entry = (id: number, at: number, fields: Partial<JournalEntry>): JournalEntry =>
    ({
      id,
      time: '2026-03-02T09:00:00.000Z',
      receivedAt: new Date(at).toISOString(),
      session: 'default',
      operation: CREATE,
      vendor: 'snowflake',
      method: 'POST',
      path: REPOS,
      query: {},
      requestBody: '{"name":"a"}',
      requestBodyTruncated: false,
      responseBody: null,
      responseBodyTruncated: false,
      status: 0,
      network: null,
      durationMs: 5,
      requestHeaders: {},
      responseHeaders: {},
      requestId: '',
      fault: null,
      ...fields,
    }) as JournalEntry

  it('is a duplicate write, ending on the 409; the matcher fails and shows the chain', async () => {
    const { retryChains } = await import('../../core/retries.ts')
    const { imageRegistryMatchers } = await import('../../matchers.ts')
    const t = Date.parse('2026-03-02T09:00:00Z')
    const entries = [
      entry(1, t, { network: 'reset', fault: 'rule-1', committed: true } as Partial<JournalEntry>),
      entry(2, t + 505, { status: 409 }),
    ]
    const chains = retryChains(entries, { now: t + 600 })
    expect(chains).toMatchObject([{ duplicateWrite: true, outcome: 'failed', backoff: 'constant' }])
    const owner = { retries: () => ({ chains }) }
    expect(owner).not.toHaveNoDuplicateWrites()
    const result = imageRegistryMatchers.toHaveNoDuplicateWrites.call(
      { isNot: false } as never,
      owner,
      CREATE,
    )
    expect(result.pass).toBe(false)
    expect(result.message()).toContain('#1 reset → waited 500 ms → #2 409')
    expect(result.message()).toContain('duplicate write')
    // Without the commit, the same re-send is a plain retry.
    const plain = retryChains([entry(1, t, { network: 'reset' }), entries[1] as JournalEntry])
    expect(plain[0]?.duplicateWrite).toBe(false)
  })
})
