import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixtureFaker, snowflakeFixtures } from '../../matchers.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const CREATE = 'snowflake.createImageRepository'

describe.each(TRANSPORTS)('vitest matchers over the journal (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const create = (name: string, headers: Record<string, string> = JSON_AUTH) =>
    h.fetch(`${REPOS}?createMode=errorIfExists`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name }),
    })

  describe('toHaveReceived', () => {
    it('passes when the operation was received exactly the given number of times', async () => {
      await create('matcher_one')
      expect(h.mock).toHaveReceived(CREATE, { times: 1 })
      expect(h.mock).toHaveReceived(CREATE)
      expect(h.mock).not.toHaveReceived('snowflake.deleteImageRepository')
    })

    it('fails with the count it saw and the requests it received', async () => {
      await create('matcher_twice')
      await create('matcher_twice')
      expect(() => expect(h.mock).toHaveReceived(CREATE, { times: 1 })).toThrow(
        /to have received snowflake\.createImageRepository exactly 1 time, but it received it 2 times\n {2}#1 snowflake\.createImageRepository POST \/api\/v2\/.*\?createMode=errorIfExists → 200\n {2}#2 .* → 409/,
      )
    })

    it('matches operation globs with atLeast and atMost bounds', async () => {
      await h.fetch(REPOS, { headers: AUTH })
      await create('matcher_glob')
      expect(h.mock).toHaveReceived('snowflake.*', { atLeast: 2, atMost: 2 })
      expect(() => expect(h.mock).toHaveReceived('snowflake.*', { atMost: 1 })).toThrow(
        /at most 1 time, but it received it 2 times/,
      )
    })

    it('says the journal is empty, or what it did receive, when the operation never came', async () => {
      expect(() => expect(h.mock).toHaveReceived(CREATE)).toThrow(
        /at least once, but it received it 0 times\nThe journal is empty/,
      )
      await h.fetch(REPOS, { headers: AUTH })
      expect(() => expect(h.mock).toHaveReceived('snowflake.getTags')).toThrow(
        /Latest requests it did receive:\n {2}#1 snowflake\.listImageRepositories GET/,
      )
    })

    it('refuses an operation or glob that matches no operation, naming it, even under .not', async () => {
      await create('matcher_typo')
      expect(() =>
        // @ts-expect-error a misspelt operation id does not compile either
        expect(h.mock).not.toHaveReceived('snowflake.delteImageRepository'),
      ).toThrow(
        /operation "snowflake\.delteImageRepository" matches no operation; did you mean "snowflake\.deleteImageRepository"\?/,
      )
      expect(() => expect(h.mock).toHaveReceivedWith('cycle.nothing*', { status: 200 })).toThrow(
        /operation "cycle\.nothing\*" matches no operation/,
      )
      expect(() => h.mock.session('other').journal.find({ operation: 'swr.*Typo*' })).toThrow(
        /matches no operation/,
      )
      // Requests under a vendor's paths that no operation serves are journaled as <vendor>.unmatched.
      await h.fetch('/api/v2/databases/ml_platform/nothing-here', { headers: AUTH })
      expect(h.mock).toHaveReceived('snowflake.unmatched', { times: 1 })
    })

    it('fails a negated assertion when the operation was received', async () => {
      await create('matcher_not')
      expect(() => expect(h.mock).not.toHaveReceived(CREATE)).toThrow(
        /expected the mock not to have received snowflake\.createImageRepository at least once/,
      )
    })

    it('reads the journal of another session through mock.session', async () => {
      await create('matcher_session', { ...JSON_AUTH, 'X-Mock-Session': 'other' })
      expect(h.mock.session('other')).toHaveReceived(CREATE, { times: 1 })
      expect(h.mock).not.toHaveReceived(CREATE)
    })

    it('refuses a subject without a journal and a bad count with a clear message', () => {
      expect(() => expect({}).toHaveReceived(CREATE)).toThrow(
        /toHaveReceived\(\) needs a mock from createMock\(\) or mock\.session\(name\); got Object/,
      )
      expect(() => expect(h.mock).toHaveReceived(CREATE, { times: -1 })).toThrow(
        /times must be a whole number ≥ 0; got number -1/,
      )
      // @ts-expect-error an empty operation does not compile
      expect(() => expect(h.mock).toHaveReceived('')).toThrow(/the operation must be an id or glob/)
    })
  })

  describe('toHaveReceivedWith', () => {
    it('matches the JSON body as a subset, with the status, query and asymmetric matchers', async () => {
      await create('with_body')
      expect(h.mock).toHaveReceivedWith(CREATE, {
        method: 'post',
        path: REPOS,
        query: { createMode: 'errorIfExists' },
        body: { name: 'with_body' },
        status: 200,
        fault: null,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      })
      expect(h.mock).toHaveReceivedWith(CREATE, { body: { name: expect.stringContaining('with') } })
      expect(h.mock).toHaveReceivedWith(CREATE, { path: /image-repositories$/ }, { times: 1 })
      expect(h.mock).not.toHaveReceivedWith(CREATE, { body: { name: 'other' } })
    })

    it('compares a string body with the raw request text', async () => {
      await create('raw_text')
      expect(h.mock).toHaveReceivedWith(CREATE, { body: '{"name":"raw_text"}' })
      expect(h.mock).not.toHaveReceivedWith(CREATE, { body: '{"name": "raw_text"}' })
    })

    it('sees the status and fault id of an injected failure', async () => {
      h.mock.faults.add({
        id: 'busy',
        match: { operation: CREATE },
        effect: { status: 503 },
        times: 1,
      })
      await create('after_fault')
      await create('after_fault')
      expect(h.mock).toHaveReceivedWith(CREATE, { status: 503, fault: 'busy' }, { times: 1 })
      expect(h.mock).toHaveReceivedWith(CREATE, { status: 200, fault: null }, { times: 1 })
    })

    it('fails listing every request to the operation when none matches', async () => {
      await create('listed')
      expect(() =>
        expect(h.mock).toHaveReceivedWith(CREATE, { body: { name: 'missing' }, status: 200 }),
      ).toThrow(
        /with \{"body": \{"name": "missing"\}, "status": 200\}, but 0 of 1 request to it matched\nRequests received:\n {2}#1 snowflake\.createImageRepository POST .* → 200 body \{"name":"listed"\}/,
      )
    })

    it('fails a negated assertion naming the requests that matched', async () => {
      await create('negated')
      expect(() =>
        expect(h.mock).not.toHaveReceivedWith(CREATE, { body: { name: 'negated' } }),
      ).toThrow(/not to have received .*\nMatching requests:\n {2}#1 /)
    })

    it('refuses an expected value that is not an object', () => {
      expect(() =>
        expect(h.mock).toHaveReceivedWith(CREATE, 'name' as unknown as { body: unknown }),
      ).toThrow(/expected must be an object/)
    })
  })

  describe('fixture builders for arranging state', () => {
    it('build a typed, deterministic record that the API then serves', async () => {
      const ref = { database: 'ML_PLATFORM', schema: 'IMAGES' }
      const build = () =>
        snowflakeFixtures.buildImageRepository(
          fixtureFaker(7, h.mock.clock.now()),
          h.mock.db.snowflake,
          ref,
          h.mock.clock.now(),
          { name: 'ARRANGED_REPO' },
          'ownedBySysadmin',
        )
      const record = build()
      expect(build(), 'the same seed builds the same record').toEqual(record)
      await h.mock.db.snowflake.repositories.create(record)
      const response = await h.fetch(`${REPOS}/arranged_repo`, { headers: AUTH })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ name: 'ARRANGED_REPO', owner: 'SYSADMIN' })
    })
  })
})
