import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SNOWFLAKE_READ_ONLY_TOKEN } from '../../fixtures/snowflake.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
/** The header snowflake.core sends on every REST call (a connector session's token). */
const session = (token: string) => ({ Authorization: `Snowflake Token="${token}"` })

describe.each(TRANSPORTS)('Snowflake session-token authentication (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('accepts Authorization: Snowflake Token="<session token>" as snowflake.core sends it', async () => {
    const answer = await h.fetch(REPOS, { headers: session('ver:1-hint:1234-ETMsDgAAAY') })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toHaveLength(6)
    // The token-type header describes bearer tokens; a session token is not read by it.
    const typed = await h.fetch(REPOS, {
      headers: {
        ...session('another-session'),
        'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
      },
    })
    expect(typed.status).toBe(200)
  })

  it('takes the principal from the session: a read-only token is refused writes', async () => {
    const create = await h.fetch(REPOS, {
      method: 'POST',
      headers: { ...session(SNOWFLAKE_READ_ONLY_TOKEN), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'by_session' }),
    })
    expect(create.status).toBe(403)
    expect((await create.json()).message).toMatch(/Insufficient privileges/)
  })

  it.each([
    'Snowflake Token=""',
    'Snowflake Token="a b"',
    'Snowflake Token="unterminated',
    'Snowflake',
    'Token="x"',
  ])('refuses %j with Snowflake’s 401 naming both forms', async (authorization) => {
    const answer = await h.fetch(REPOS, { headers: { Authorization: authorization } })
    expect(answer.status).toBe(401)
    const body = await answer.json()
    expect(body.code).toBe('390303')
    expect(body.message).toBe(
      'Authorization header is missing or is not of the form "Bearer <token>" or \'Snowflake Token="<session token>"\'.',
    )
  })

  it('keeps the bearer forms and their token-type rules', async () => {
    const bearer = { Authorization: 'Bearer t' }
    expect((await h.fetch(REPOS, { headers: bearer })).status).toBe(200)
    const jwt = await h.fetch(REPOS, {
      headers: { ...bearer, 'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT' },
    })
    expect(jwt.status).toBe(401)
  })
})
