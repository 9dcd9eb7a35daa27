import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collapseEmptySegments, FOLDING_ROUTING } from '../../core/path-pattern.ts'
import type { AnyVendor } from '../../core/vendor.ts'
import { vendors } from '../../handlers/index.ts'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

/**
 * Paths as each vendor's front end routes them, for every operation (generated from the operation
 * table): a trailing slash, and an empty segment (`//`). The journal says which operation served
 * each request.
 */

const AUTHORIZED: Record<string, Record<string, string>> = {
  snowflake: { Authorization: 'Bearer routing-token' },
  rhacs: { Authorization: 'Bearer routing-token' },
  swr: { 'X-Auth-Token': 'routing-token', 'Content-Type': 'application/json' },
  cycle: {
    Authorization: 'Bearer routing-token',
    'X-Hub-Id': '651586fca6078e98982dbd90',
    'Content-Type': 'application/json',
  },
}

function concrete(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === 'database' ? 'ML_PLATFORM' : name === 'schema' ? 'IMAGES' : 'routing1',
  )
}

/** The path with an empty segment right after the vendor prefix it lives under. */
function withEmptySegment(vendor: AnyVendor, path: string): string {
  const prefix = [...vendor.pathPrefixes]
    .sort((a, b) => b.length - a.length)
    .find((p) => path.startsWith(p)) as string
  const rest = path.slice(prefix.length)
  return rest === '' ? `${prefix}//` : `${prefix}/${rest}`
}

const ALL = vendors.flatMap((vendor) =>
  vendor.operations.map((operation) => ({ vendor: vendor as AnyVendor, operation })),
)

describe.each(TRANSPORTS)('routing as the vendors’ front ends route (%s)', (transport) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(transport)
  })
  afterAll(() => h.close())

  /** Sends a request and returns the response with the operation the journal recorded. */
  async function route(
    vendor: AnyVendor,
    method: string,
    path: string,
  ): Promise<{ response: Response; operation: string | undefined }> {
    h.mock.journal.clear()
    const body = method === 'GET' ? undefined : '{}'
    const response = await h.fetch(path, {
      method,
      headers: AUTHORIZED[vendor.name],
      body,
      redirect: 'manual',
    })
    await response.arrayBuffer()
    return { response, operation: h.mock.journal.find({}).at(-1)?.operation }
  }

  for (const { vendor, operation } of ALL) {
    const id = `${vendor.name}.${operation.id}`
    const routing = vendor.routing ?? FOLDING_ROUTING
    const path = concrete(operation.path)

    it(`${id}: a trailing slash (${routing.trailingSlash})`, async () => {
      const { response, operation: served } = await route(vendor, operation.method, `${path}/`)
      if (routing.trailingSlash === 'fold') {
        expect(served).toBe(id)
      } else {
        expect(served).not.toBe(id)
        expect(served?.startsWith(`${vendor.name}.`)).toBe(true)
        expect(response.status).toBeGreaterThanOrEqual(400)
      }
    })

    it(`${id}: an empty segment (${routing.emptySegments})`, async () => {
      const odd = withEmptySegment(vendor, path)
      const { response, operation: served } = await route(vendor, operation.method, `${odd}?a=1`)
      expect(served).toBe(`${vendor.name}.unmatched`)
      if (routing.emptySegments === 'redirect') {
        expect(response.status).toBe(301)
        expect(response.headers.get('location')).toBe(`${collapseEmptySegments(odd)}?a=1`)
      } else {
        expect(response.status).toBe(404)
      }
    })
  }

  describe('RHACS: grpc-gateway behind Go’s ServeMux', () => {
    const rhacs = vendors.find((v) => v.name === 'rhacs') as AnyVendor

    it('answers GET /v1/imagescount/ with 404, gRPC code 5, where /v1/imagescount counts', async () => {
      const { response } = await route(rhacs, 'GET', '/v1/imagescount')
      expect(response.status).toBe(200)
      const slash = await h.fetch('/v1/imagescount/', { headers: AUTHORIZED.rhacs })
      expect(slash.status).toBe(404)
      expect(await slash.json()).toEqual({
        code: 5,
        message: 'Not Found',
        details: [],
        error: 'Not Found',
      })
    })

    it('routes GET /v1/images/ to GetImage with an empty id, not to ListImages', async () => {
      const response = await h.fetch('/v1/images/', { headers: AUTHORIZED.rhacs })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({
        code: 3,
        message: 'id must be specified: invalid arguments',
      })
      expect(h.mock.journal.find({}).at(-1)?.operation).toBe('rhacs.ImageService_GetImage')
    })

    it('redirects /v1/images//x to /v1/images/x as Go’s ServeMux does, with its HTML body', async () => {
      const response = await h.fetch('/v1/images//sha256:abc?x=1', {
        headers: AUTHORIZED.rhacs,
        redirect: 'manual',
      })
      expect(response.status).toBe(301)
      expect(response.headers.get('location')).toBe('/v1/images/sha256:abc?x=1')
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await response.text()).toBe(
        '<a href="/v1/images/sha256:abc?x=1">Moved Permanently</a>.\n\n',
      )
    })

    it.each([
      ['/v1//images', '/v1/images'],
      ['//v1/imagescount', '/v1/imagescount'],
    ])('redirects %s, whose empty segment is inside the prefix, to %s', async (path, target) => {
      const response = await h.fetch(path, { headers: AUTHORIZED.rhacs, redirect: 'manual' })
      expect(response.status).toBe(301)
      expect(response.headers.get('location')).toBe(target)
    })
  })

  it('Snowflake keeps answering an empty database segment with its 404', async () => {
    const response = await h.fetch('/api/v2/databases//schemas/IMAGES/image-repositories', {
      headers: AUTHORIZED.snowflake,
    })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: expect.any(String) })
  })
})

describe('the routing handler as an msw handler', () => {
  it("claims every vendor path, routed or not, and no other URL, in msw's test() as in answers", async () => {
    const mock = createMock()
    await mock.ready
    const [router] = mock.handlers
    if (!router) throw new Error('the mock has no handlers')
    const claims = (method: string, url: string) =>
      router.test({ request: new Request(url, { method }) })
    const repos = 'http://mock.test/api/v2/databases/ml_platform/schemas/images/image-repositories'
    expect(await claims('GET', repos)).toBe(true)
    expect(await claims('PUT', repos), 'a 405 is the vendor’s answer').toBe(true)
    expect(await claims('GET', 'http://mock.test/v1/images/sha256:abc')).toBe(true)
    expect(await claims('GET', 'http://mock.test/v1//images'), 'a redirect too').toBe(true)
    expect(await claims('GET', 'http://mock.test/__mock/health')).toBe(false)
    expect(await claims('GET', 'http://mock.test/somewhere/else')).toBe(false)
    // What test() says is what run() does: an answer for a claim, nothing for the rest.
    const health = await router.run({
      request: new Request('http://mock.test/__mock/health'),
      requestId: 'r1',
    })
    expect(health).toBeNull()
    const listed = await router.run({
      request: new Request(repos, { headers: { Authorization: 'Bearer t' } }),
      requestId: 'r2',
    })
    expect(listed?.handler).toBe(router)
    expect(listed?.requestId).toBe('r2')
    expect(listed?.response?.status).toBe(200)
    expect(router.isUsed).toBe(true)
  })
})
