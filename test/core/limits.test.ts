import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const HEADERS = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }

describe.each(TRANSPORTS)('request body limit (%s)', (transport) => {
  let h: Harness
  afterEach(() => h.close())

  // Snowflake documents no 413: its documented 400, naming the limit.
  it('answers 400 in the Snowflake envelope above the default 1 MB and stores nothing', async () => {
    h = await startHarness(transport)
    const before = await (await h.fetch(REPOS, { headers: HEADERS })).json()
    const response = await h.fetch(REPOS, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ name: 'a'.repeat(1_100_000) }),
    })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.message).toMatch(/Request body is larger than 1048576 bytes/)
    expect(body.request_id).toBe(response.headers.get('x-snowflake-request-id'))
    expect(await (await h.fetch(REPOS, { headers: HEADERS })).json()).toEqual(before)
    expect((await h.fetch(REPOS, { headers: HEADERS })).status).toBe(200)
  })

  it('takes a configured limit', async () => {
    h = await startHarness(transport, { maxBodyBytes: 64 })
    const small = await h.fetch(REPOS, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ name: 'fits' }),
    })
    expect(small.status).toBe(200)
    const large = await h.fetch(REPOS, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ name: 'x'.repeat(100) }),
    })
    expect(large.status).toBe(400)
    expect((await large.json()).message).toMatch(/larger than 64 bytes/)
  })
})
