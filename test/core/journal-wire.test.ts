import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const SWR_REPOS = '/v2/manage/repos'
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNTF9QTEFURk9STSJ9.c2lnbmF0dXJl'

describe.each(TRANSPORTS)('the journal records the wire (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('receivedAt is the wall clock with milliseconds, apart from the session clock', async () => {
    const before = Date.now()
    await h.fetch(REPOS, { headers: { Authorization: `Bearer ${JWT}` } })
    await new Promise((resolve) => setTimeout(resolve, 120))
    await h.fetch(REPOS, { headers: { Authorization: `Bearer ${JWT}` } })
    const after = Date.now()
    const [first, second] = h.mock.journal.find()
    expect(first?.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const a = Date.parse(first?.receivedAt ?? '')
    const b = Date.parse(second?.receivedAt ?? '')
    expect(a).toBeGreaterThanOrEqual(before - 5)
    expect(b).toBeLessThanOrEqual(after + 5)
    expect(b - a).toBeGreaterThanOrEqual(110)
    // The session clock moves a second a request, whatever the wall clock did.
    expect(Date.parse(second?.time ?? '') - Date.parse(first?.time ?? '')).toBe(1000)
  })

  it('keeps request and response headers, credentials redacted, the scheme kept', async () => {
    await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        match: { operation: 'snowflake.listImageRepositories' },
        effect: { status: 503, retryAfter: 3 },
        times: 1,
      }),
    })
    const answer = await h.fetch(REPOS, {
      headers: {
        Authorization: `Bearer ${JWT}`,
        'X-Trace': 'demo-1',
        Cookie: 'sid=abcdefgh',
        'X-Api-Key': 'key-abcdefgh',
      },
    })
    expect(answer.status).toBe(503)
    const [entry] = h.mock.journal.find()
    expect(entry?.requestHeaders).toMatchObject({
      authorization: 'Bearer <redacted>',
      cookie: '<redacted>',
      'x-api-key': '<redacted>',
      'x-trace': 'demo-1',
    })
    expect(JSON.stringify(entry)).not.toContain(JWT)
    expect(JSON.stringify(entry)).not.toContain('key-abcdefgh')
    expect(entry?.responseHeaders).toMatchObject({
      'retry-after': '3',
      'x-mock-fault': 'rule-1',
      'x-snowflake-request-id': answer.headers.get('x-snowflake-request-id'),
    })
    // The control API answers the same fields.
    const polled = await (await h.fetch('/__mock/journal')).json()
    expect(polled.entries[0]).toMatchObject({
      receivedAt: entry?.receivedAt,
      requestHeaders: { authorization: 'Bearer <redacted>' },
      responseHeaders: { 'retry-after': '3' },
    })
  })

  it("redacts SWR's IAM token and an AK/SK signature", async () => {
    await h.fetch(SWR_REPOS, { headers: { 'X-Auth-Token': 'MIIexampletoken12345' } })
    await h.fetch(SWR_REPOS, {
      headers: {
        Authorization:
          'SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date, Signature=abcdef0123',
        'X-Sdk-Date': '20260302T090000Z',
      },
    })
    const [token, signed] = h.mock.journal.find()
    expect(token?.requestHeaders['x-auth-token']).toBe('<redacted>')
    expect(signed?.requestHeaders.authorization).toBe('SDK-HMAC-SHA256 <redacted>')
    expect(signed?.requestHeaders['x-sdk-date']).toBe('20260302T090000Z')
    expect(JSON.stringify([token, signed])).not.toMatch(/MIIexample|AKEXAMPLE|abcdef0123/)
  })

  it('a dropped connection has no response headers', async () => {
    await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({
        match: { operation: 'snowflake.listImageRepositories' },
        effect: { network: 'reset' },
      }),
    })
    await expect(h.fetch(REPOS, { headers: { Authorization: 'Bearer t' } })).rejects.toThrow()
    const [entry] = h.mock.journal.find()
    expect(entry?.network).toBe('reset')
    expect(entry?.responseHeaders).toEqual({})
    expect(entry?.requestHeaders.authorization).toBe('Bearer <redacted>')
  })
})
