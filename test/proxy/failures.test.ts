import { afterEach, describe, expect, it } from 'vitest'
import { signWithHuaweiSigner } from '../swr/signing.ts'
import { CYCLE_HUB } from './scripts.ts'
import { closedPort, type Listening, type Served, serveMock, serveRaw } from './support.ts'

const open: Listening[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function keep<T extends Listening>(server: Promise<T>): Promise<T> {
  const started = await server
  open.push(started)
  return started
}

const SNOWFLAKE_LIST = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const SNOWFLAKE_AUTH = { Authorization: 'Bearer snowflake-proxy-token' }
const CYCLE_AUTH = { Authorization: 'Bearer cycle-proxy-token', 'X-Hub-Id': CYCLE_HUB }

describe('faults and sessions in front of the upstream', () => {
  it('answers an injected 503 and a dropped connection itself, then forwards again', async () => {
    const upstream = await keep(serveMock())
    const proxy = await keep(serveMock({ proxy: { upstreams: { snowflake: upstream.url } } }))
    proxy.mock.faults.add({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { status: 503, retryAfter: 2 },
      times: 1,
    })
    const injected = await proxy.fetch(SNOWFLAKE_LIST, { headers: SNOWFLAKE_AUTH })
    expect(injected.status).toBe(503)
    expect(injected.headers.get('retry-after')).toBe('2')
    expect(await injected.json()).toMatchObject({
      code: expect.any(String),
      request_id: expect.any(String),
    })
    expect(upstream.mock.journal.find()).toHaveLength(0)

    proxy.mock.faults.add({
      match: { operation: 'snowflake.*' },
      effect: { network: 'reset' },
      times: 1,
    })
    await expect(proxy.fetch(SNOWFLAKE_LIST, { headers: SNOWFLAKE_AUTH })).rejects.toThrow()
    expect(upstream.mock.journal.find()).toHaveLength(0)

    const passed = await proxy.fetch(SNOWFLAKE_LIST, { headers: SNOWFLAKE_AUTH })
    expect(passed.status).toBe(200)
    expect(upstream.mock.journal.find()).toHaveLength(1)
    expect(proxy.mock.journal.find().map((e) => [e.status, e.network])).toEqual([
      [503, null],
      [0, 'reset'],
      [200, null],
    ])
  })

  it('keeps sessions apart in front of one upstream and leaves credentials to the upstream', async () => {
    const upstream = await keep(serveMock())
    const proxy = await keep(serveMock({ proxy: { upstreams: { cycle: upstream.url } } }))
    proxy.mock.session('flaky').faults.add({ match: { operation: '*' }, effect: { status: 429 } })
    const flaky = await proxy.fetch('/v1/images/sources', {
      headers: { ...CYCLE_AUTH, 'X-Mock-Session': 'flaky' },
    })
    expect(flaky.status).toBe(429)
    expect((await flaky.json()).error.code).toBe('429.rate-limiting')
    expect((await proxy.fetch('/v1/images/sources', { headers: CYCLE_AUTH })).status).toBe(200)
    // No credentials: the mock does not refuse them itself; the upstream's own 401 comes back.
    const anonymous = await proxy.fetch('/v1/images/sources', {
      headers: { 'X-Hub-Id': CYCLE_HUB },
    })
    const direct = await upstream.fetch('/v1/images/sources', {
      headers: { 'X-Hub-Id': CYCLE_HUB },
    })
    expect(anonymous.status).toBe(401)
    expect(await anonymous.text()).toBe(await direct.text())
    // X-Mock-* headers are the mock's own: the upstream never sees them.
    expect(upstream.mock.session('flaky').journal.find()).toHaveLength(0)
  })
})

describe('upstream failures answer in the vendor’s own shape', () => {
  it('refused: Snowflake’s 503 with Retry-After, journaled', async () => {
    const proxy = await keep(serveMock({ proxy: { upstreams: { snowflake: await closedPort() } } }))
    const response = await proxy.fetch(SNOWFLAKE_LIST, { headers: SNOWFLAKE_AUTH })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    const body = await response.json()
    expect(Object.keys(body).sort()).toEqual(['code', 'error_code', 'message', 'request_id'])
    expect(body.message).toMatch(/refused the connection/)
    expect(proxy.mock.journal.find()).toEqual([
      expect.objectContaining({ operation: 'snowflake.listImageRepositories', status: 503 }),
    ])
  })

  it('reset: Cycle’s 502 envelope', async () => {
    const upstream = await keep(serveRaw((req) => req.socket.destroy()))
    const proxy = await keep(serveMock({ proxy: { upstreams: { cycle: upstream.url } } }))
    const response = await proxy.fetch('/v1/images/sources', { headers: CYCLE_AUTH })
    expect(response.status).toBe(502)
    const body = await response.json()
    expect(body).toMatchObject({ error: { status: 502, code: '500.unknown' }, data: null })
    expect(body.error.detail).toMatch(/Cycle\.io upstream http:\/\/127\.0\.0\.1:\d+ failed/)
    expect(proxy.mock.journal.find()[0]?.status).toBe(502)
  })

  it('reset: Snowflake’s 503, its catalogue having no 502', async () => {
    const upstream = await keep(serveRaw((req) => req.socket.destroy()))
    const proxy = await keep(serveMock({ proxy: { upstreams: { snowflake: upstream.url } } }))
    const response = await proxy.fetch(
      '/api/v2/databases/ml_platform/schemas/images/image-repositories',
      { headers: { Authorization: 'Bearer t' } },
    )
    expect(response.status).toBe(503)
    const body = await response.json()
    expect(body.message).toMatch(/Snowflake upstream http:\/\/127\.0\.0\.1:\d+ failed/)
    expect(body.request_id).not.toBe('')
  })

  it('timeout: RHACS’s 504 status after the proxy timeout', async () => {
    const upstream = await keep(serveRaw(() => {}))
    const proxy = await keep(
      serveMock({ proxy: { upstreams: { rhacs: upstream.url }, timeoutMs: 200 } }),
    )
    const response = await proxy.fetch('/v1/images', { headers: { Authorization: 'Bearer t' } })
    expect(response.status).toBe(504)
    const body = await response.json()
    expect(body).toEqual({
      code: 4,
      message: expect.stringMatching(/did not answer within 200 ms/),
      details: [],
      error: body.message,
    })
  })

  it('a streamed export goes through without a length, as the upstream streams it', async () => {
    const upstream = await keep(serveMock())
    const proxy = await keep(serveMock({ proxy: { upstreams: { rhacs: upstream.url } } }))
    const response = await proxy.fetch('/v1/export/images', {
      headers: { Authorization: 'Bearer t' },
    })
    expect(response.headers.get('content-length')).toBeNull()
    expect(response.headers.get('transfer-encoding')).toBe('chunked')
    const lines = (await response.text()).trim().split('\n')
    expect(lines.length).toBeGreaterThan(1)
    expect(JSON.parse(lines[0] as string)).toHaveProperty('result.image.id')
  })
})

describe('SWR AK/SK signatures through the proxy', () => {
  const LIST = '/v2/manage/shared-repositories'

  async function setup(): Promise<{ upstream: Served; proxy: Served }> {
    const upstream = await keep(serveMock())
    const proxy = await keep(serveMock({ proxy: { upstreams: { swr: upstream.url } } }))
    return { upstream, proxy }
  }

  it('re-signs for the upstream host when the session knows the access key', async () => {
    const { proxy } = await setup()
    const signed = signWithHuaweiSigner({
      baseUrl: proxy.url,
      path: LIST,
      query: { center: 'self' },
    })
    const response = await proxy.fetch(signed.url, { headers: signed.headers })
    expect(response.status).toBe(200)
  })

  it('without the key passes the signature unchanged: valid only when signed for the upstream host', async () => {
    const { upstream, proxy } = await setup()
    await proxy.mock.db.swr.accessKeys.deleteMany((q) => q.where(() => true))
    const forProxy = signWithHuaweiSigner({
      baseUrl: proxy.url,
      path: LIST,
      query: { center: 'self' },
    })
    const refused = await proxy.fetch(forProxy.url, { headers: forProxy.headers })
    expect(refused.status).toBe(401)
    expect((await refused.json()).error_msg).toMatch(/verify aksk signature fail/)
    const forUpstream = signWithHuaweiSigner({
      baseUrl: upstream.url,
      path: LIST,
      query: { center: 'self' },
    })
    const accepted = await proxy.fetch(forUpstream.url, { headers: forUpstream.headers })
    expect(accepted.status).toBe(200)
  })
})
