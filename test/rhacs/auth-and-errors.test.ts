import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  RHACS_ADMIN_BASIC,
  RHACS_ANALYST_TOKEN,
  setRhacsAdminPassword,
} from '../../fixtures/rhacs.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError, expectRhacsShape } from './contract.ts'
import { basic, bearer, call } from './helpers.ts'

describe.each(TRANSPORTS)('RHACS authentication (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers 401 without an Authorization header', async () => {
    await expectRhacsError(await h.fetch('/v1/images'), 401, 16, 'credentials not found')
  })

  it('answers 401 for a scheme other than Bearer or Basic', async () => {
    await expectRhacsError(
      await h.fetch('/v1/imagescount', { headers: { Authorization: 'Token abc' } }),
      401,
      16,
      'credentials not found',
    )
  })

  it('accepts any bearer token the scenario does not list, with Admin rights', async () => {
    const response = await h.fetch('/v1/images/cache/invalidate', {
      headers: bearer('some-api-token'),
    })
    expect(response.status).toBe(200)
  })

  it('lets a view-only token read', async () => {
    const response = await h.fetch('/v1/imagescount', { headers: bearer(RHACS_ANALYST_TOKEN) })
    expect(response.status).toBe(200)
    expectRhacsShape('v1CountImagesResponse', await response.json())
  })

  it("accepts Central's one Basic user, admin, with the scenario's password", async () => {
    const admin = await h.fetch('/v1/images/cache/invalidate', {
      headers: basic(RHACS_ADMIN_BASIC.username, RHACS_ADMIN_BASIC.password),
    })
    expect(admin.status).toBe(200)
  })

  it.each([
    ['another user', 'ci-bot', 'x'],
    ['another user with the admin password', 'analyst', RHACS_ADMIN_BASIC.password],
    ['admin with a wrong password', RHACS_ADMIN_BASIC.username, 'guess'],
    ['admin with an empty password', RHACS_ADMIN_BASIC.username, ''],
  ])('answers 401 for %s, naming the user as Central does', async (_, user, password) => {
    const response = await h.fetch('/v1/imagescount', { headers: basic(user, password) })
    const message = `credentials not found: basic: cannot extract identity: failed to identify user with username "${user}"`
    expect(response.headers.get('www-authenticate')).toBe(message)
    await expectRhacsError(response, 401, 16, message)
  })

  it('answers 401 for Basic credentials that are not base64 user:password', async () => {
    for (const token of ['!!!', btoa('no-colon')]) {
      await expectRhacsError(
        await h.fetch('/v1/imagescount', { headers: { Authorization: `Basic ${token}` } }),
        401,
        16,
        'credentials not found: basic: cannot extract identity: failed to parse basic auth token',
      )
    }
  })

  it('takes the admin password from the scenario: another password replaces it', async () => {
    await setRhacsAdminPassword(h.mock.db.rhacs, 'another-secret')
    const old = await h.fetch('/v1/imagescount', {
      headers: basic(RHACS_ADMIN_BASIC.username, RHACS_ADMIN_BASIC.password),
    })
    expect(old.status).toBe(401)
    await old.text()
    const fresh = await h.fetch('/v1/imagescount', {
      headers: basic(RHACS_ADMIN_BASIC.username, 'another-secret'),
    })
    expect(fresh.status).toBe(200)
  })

  it('keeps bearer tokens as they are: any unlisted token is Admin', async () => {
    const response = await h.fetch('/v1/images/cache/invalidate', {
      headers: bearer('Basic-looking-token'),
    })
    expect(response.status).toBe(200)
  })

  it('checks credentials before parameters: 401, not 400, for a bad query without them', async () => {
    await expectRhacsError(
      await h.fetch('/v1/images?pagination.limit=abc'),
      401,
      16,
      'credentials not found',
    )
  })
})

describe.each(TRANSPORTS)('RHACS errors from the mock itself (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers Prefer: code=429 in the RHACS envelope with Retry-After', async () => {
    const response = await call(h, '/v1/images', { headers: { Prefer: 'code=429' } })
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    await expectRhacsError(response, 429, 8, 'too many requests: rate limit exceeded, retry later')
  })

  it('answers Prefer: code=503 in the RHACS envelope with Retry-After', async () => {
    const response = await call(h, '/v1/watchedimages', { headers: { Prefer: 'code=503' } })
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    await expectRhacsError(
      response,
      503,
      14,
      'service unavailable: Central is not ready to serve requests, retry later',
    )
  })

  it('answers forced errors of the export as a stream error line', async () => {
    const response = await call(h, '/v1/export/images', { headers: { Prefer: 'code=503' } })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
    const body = await response.json()
    expect(body.error).toMatchObject({ code: 14, details: [] })
    expectRhacsShape('exportLine', body)
  })

  it('answers a fault rule with the RHACS envelope', async () => {
    h.mock.faults.add({
      match: { operation: 'rhacs.ImageService_GetWatchedImages' },
      effect: { status: 503, retryAfter: 7 },
      times: 1,
    })
    const failed = await call(h, '/v1/watchedimages')
    expect(failed.headers.get('retry-after')).toBe('7')
    await expectRhacsError(failed, 503, 14, /service unavailable/)
    expect((await call(h, '/v1/watchedimages')).status).toBe(200)
  })

  it('answers an unknown path under /v1/images as grpc-gateway does: 404, code 5, Not Found', async () => {
    await expectRhacsError(await call(h, '/v1/images/sha256:abc/layers'), 404, 5, 'Not Found')
  })

  it('answers a method the path does not take as grpc-gateway does: 501, code 12, no Allow', async () => {
    const response = await call(h, '/v1/watchedimages', { method: 'PUT' })
    expect(response.headers.get('allow')).toBeNull()
    await expectRhacsError(response, 501, 12, 'Method Not Allowed')
  })

  it('answers 400 for an invalid X-Mock-Session, still in the RHACS envelope', async () => {
    await expectRhacsError(
      await call(h, '/v1/images', { headers: { 'X-Mock-Session': 'no spaces allowed' } }),
      400,
      3,
      /X-Mock-Session must be/,
    )
  })
})
