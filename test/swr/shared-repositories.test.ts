import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SWR_ACCOUNT, SWR_NAMESPACES } from '../../fixtures/swr.ts'
import { SWR_CATEGORIES } from '../../handlers/swr/records.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectApigError, expectSwrError, expectSwrShape } from './contract.ts'

const HEADERS = { 'X-Auth-Token': 'test-iam-token', 'Content-Type': 'application/json' }
const LIST = '/v2/manage/shared-repositories'
const INVALID = 'SVCSTG.SWR.4000014'

interface Repo {
  name: string
  category: string
  description: string
  size: number
  is_public: boolean
  num_images: number
  num_download: number
  created_at: string
  updated_at: string
  logo: string
  url: string
  path: string
  internal_path: string
  domain_name: string
  namespace: string
  tags: string[]
  status: boolean
  total_range: number
}

const key = (r: Repo) => `${r.domain_name}/${r.namespace}/${r.name}`

describe.each(TRANSPORTS)('SWR ListSharedReposDetails (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const get = (query: string, headers: Record<string, string> = HEADERS) =>
    h.fetch(`${LIST}${query === '' ? '' : `?${query}`}`, { headers })

  async function list(query: string): Promise<{ body: Repo[]; response: Response }> {
    const response = await get(query)
    const text = await response.text()
    expect(response.status, text).toBe(200)
    const body = JSON.parse(text)
    expectSwrShape('ListSharedReposDetailsResponseBody', body)
    return { body, response }
  }

  describe('centers', () => {
    it('lists the repositories this account shares with center=self, every field realistic', async () => {
      const { body, response } = await list('center=self')
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
      expect(response.headers.get('content-range'), 'no paging, no Content-Range').toBeNull()
      expect(body.length).toBe(12)
      for (const r of body) {
        expect(Object.keys(r), 'all 18 ShowReposResp fields').toHaveLength(18)
        expect(r.domain_name).toBe(SWR_ACCOUNT.domainName)
        expect(SWR_NAMESPACES).toContain(r.namespace)
        expect(r.status, 'shares made by the account read false').toBe(false)
        expect(SWR_CATEGORIES).toContain(r.category)
        expect(r.path).toBe(`${SWR_ACCOUNT.registry}/${r.namespace}/${r.name}`)
        expect(r.internal_path).toBe(`${SWR_ACCOUNT.internalRegistry}/${r.namespace}/${r.name}`)
        expect(r.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
        expect(r.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
        expect(r.updated_at >= r.created_at, 'updated after created').toBe(true)
        expect(r.num_images).toBe(r.tags.length)
        expect(new Set(r.tags).size, 'tags are unique').toBe(r.tags.length)
        expect(r.size > 0).toBe(r.tags.length > 0)
        expect(r.total_range).toBe(12)
        expect([r.logo, r.url]).toEqual(['', ''])
      }
    })

    it('lists the repositories other accounts share with it with center=thirdparty', async () => {
      const { body } = await list('center=thirdparty')
      expect(body.length).toBe(8)
      const own = (await list('center=self')).body
      expect(body.every((r) => r.domain_name !== SWR_ACCOUNT.domainName)).toBe(true)
      expect(new Set(body.map((r) => r.domain_name)).size, 'several sharing accounts').toBe(4)
      expect(body.some((r) => r.status) && body.some((r) => !r.status), 'valid and expired').toBe(
        true,
      )
      for (const r of body) expect(r.path).toBe(`${SWR_ACCOUNT.registry}/${r.namespace}/${r.name}`)
      const all = h.mock.db.swr.sharedRepositories.all()
      expect(body.length + own.length).toBe(all.length)
    })

    it.each([
      ['no center at all', '', /center is required/],
      ['an empty center', 'center=', /center must not be empty/],
      ['an unknown center', 'center=mine', /center "mine" is not valid; use self or thirdparty/],
      ['a filter without center', 'filter=name::busybox', /center is required/],
      ['an unknown center in filter', 'filter=center::all', /center "all" is not valid/],
    ])('answers 400 for %s', async (_label, query, message) => {
      await expectSwrError(await get(query), 400, INVALID, message)
    })
  })

  describe('both query forms', () => {
    it.each([
      ['center=self', 'filter=center::self'],
      ['center=self&name=busybox', 'filter=center::self|name::busybox'],
      ['center=thirdparty&limit=3&offset=3', 'filter=center::thirdparty|limit::3|offset::3'],
      [
        `center=self&namespace=${SWR_NAMESPACES[1]}&order_column=name&order_type=asc`,
        `filter=center::self|namespace::${SWR_NAMESPACES[1]}|order_column::name|order_type::asc`,
      ],
      [
        'center=self&limit=5&offset=5&order_column=tag_count&order_type=desc',
        'filter=order_type::desc|offset::5|center::self|order_column::tag_count|limit::5',
      ],
    ])('gives identical answers for %s and %s', async (discrete, legacy) => {
      const a = await get(discrete)
      const b = await get(legacy)
      const c = await get(legacy.replaceAll('|', '%7C'))
      expect(a.status).toBe(200)
      const text = await a.text()
      expect(await b.text()).toBe(text)
      expect(await c.text(), 'an encoded | reads the same').toBe(text)
      expect(b.headers.get('content-range')).toBe(a.headers.get('content-range'))
      expect(JSON.parse(text).length).toBeGreaterThan(0)
    })

    it('finds the docs example: filter=center::self|name::busybox', async () => {
      const { body } = await list('filter=center::self|name::busybox')
      expect(body.map((r) => [r.namespace, r.name, r.category])).toEqual([
        [SWR_NAMESPACES[0], 'busybox', 'linux'],
      ])
      expect(body[0]?.total_range).toBe(1)
    })

    it('accepts a parameter in both forms when the values agree, as the SDK sends center', async () => {
      const both = await list('center=self&filter=center::self|name::busybox')
      expect(both.body.map((r) => r.name)).toEqual(['busybox'])
    })

    it.each([
      [
        'a value that contradicts the discrete one',
        'center=self&filter=center::thirdparty',
        /center is "self" as a query parameter but "thirdparty" in filter/,
      ],
      [
        'an entry without ::',
        'filter=center::self|busybox',
        /entry 2 "busybox" is not of the form key::value/,
      ],
      ['a trailing |', 'filter=center::self|', /entry 2 "" is not of the form key::value/],
      [
        'an unknown key',
        'filter=center::self|tag::v1',
        /filter key "tag" is unknown; known keys: center, namespace/,
      ],
      [
        'a key given twice',
        'filter=center::self|name::a|name::b',
        /filter gives name more than once/,
      ],
      ['an empty value', 'filter=center::self|name::', /name must not be empty/],
      ['two filter parameters', 'filter=center::self&filter=name::a', /filter is given 2 times/],
      [
        'a discrete parameter given twice',
        'center=self&center=thirdparty',
        /center is given 2 times/,
      ],
    ])('answers 400 for %s', async (_label, query, message) => {
      await expectSwrError(await get(query), 400, INVALID, message)
    })
  })

  describe('filters', () => {
    it('filters by exact organization name and by exact repository name', async () => {
      const all = (await list('center=self')).body
      const namespace = SWR_NAMESPACES[2]
      const inNamespace = (await list(`center=self&namespace=${namespace}`)).body
      expect(inNamespace.map(key)).toEqual(all.filter((r) => r.namespace === namespace).map(key))
      expect(inNamespace.every((r) => r.total_range === inNamespace.length)).toBe(true)
      const target = all[3] as Repo
      const byName = (await list(`center=self&name=${target.name}`)).body
      expect(byName.map(key)).toEqual(all.filter((r) => r.name === target.name).map(key))
      const partial = (await list(`center=self&name=${target.name.slice(0, 3)}`)).body
      expect(
        partial.filter((r) => r.name !== target.name.slice(0, 3)),
        'no fuzzy match',
      ).toEqual([])
    })

    it('answers an empty list when nothing matches', async () => {
      const { body, response } = await list('center=thirdparty&name=no-such-repo&limit=10&offset=0')
      expect(body).toEqual([])
      expect(response.headers.get('content-range')).toBe('0-0/0')
    })

    it.each([
      ['an upper-case namespace', 'namespace=Acme', /namespace "Acme" is not an organization name/],
      ['separators side by side', 'namespace=acme.-web', /is not an organization name/],
      ['three underscores', 'namespace=acme___web', /is not an organization name/],
      [
        'a namespace over 64 characters',
        `namespace=a${'b'.repeat(64)}`,
        /is not an organization name/,
      ],
      ['an empty namespace', 'namespace=', /namespace must not be empty/],
    ])('answers 400 for %s', async (_label, query, message) => {
      await expectSwrError(await get(`center=self&${query}`), 400, INVALID, message)
    })

    it('accepts namespaces with . _ __ and - between letters', async () => {
      expect((await get('center=self&namespace=a.b_c__d-e9')).status).toBe(200)
    })
  })

  describe('paging', () => {
    it('pages with limit and offset and says where it is in Content-Range', async () => {
      const all = (await list('center=self')).body
      const seen: Repo[] = []
      for (let offset = 0; offset < all.length + 5; offset += 5) {
        const { body, response } = await list(`center=self&limit=5&offset=${offset}`)
        const range = response.headers.get('content-range') as string
        expectSwrShape('ContentRangeHeader', range)
        expect(range).toBe(`${offset}-${body.length}/${all.length}`)
        expect(body.length).toBe(Math.max(0, Math.min(5, all.length - offset)))
        expect(body.every((r) => r.total_range === all.length)).toBe(true)
        seen.push(...body)
      }
      expect(seen.map(key), 'the pages together are the whole list, in order').toEqual(all.map(key))
    })

    it('answers an empty page past the end', async () => {
      const { body, response } = await list('center=self&limit=10&offset=100')
      expect(body).toEqual([])
      expect(response.headers.get('content-range')).toBe('100-0/12')
    })

    it.each([
      ['limit without offset', 'limit=5', /limit and offset must be used together; got only limit/],
      [
        'offset without limit',
        'offset=0',
        /limit and offset must be used together; got only offset/,
      ],
      ['a limit that is not a number', 'limit=ten&offset=0', /limit "ten" is not a whole number/],
      ['a negative offset', 'limit=5&offset=-5', /offset "-5" is not a whole number/],
      ['a fractional limit', 'limit=2.5&offset=0', /limit "2.5" is not a whole number/],
      ['a limit of 0', 'limit=0&offset=0', /limit must be at least 1/],
      ['a huge limit', 'limit=99999999999999999999&offset=0', /limit "9+" is not a whole number/],
      [
        'an offset that is not a multiple of limit',
        'limit=5&offset=3',
        /offset 3 must be 0 or a multiple of limit 5/,
      ],
    ])('answers 400 for %s', async (_label, query, message) => {
      await expectSwrError(await get(`center=self&${query}`), 400, INVALID, message)
    })
  })

  describe('ordering', () => {
    const names = (body: Repo[]) => body.map((r) => r.name)

    it('orders by updated_at, newest first, when no order is given', async () => {
      const { body } = await list('center=self')
      const times = body.map((r) => r.updated_at)
      expect(times).toEqual([...times].sort().reverse())
    })

    it('orders by name both ways', async () => {
      const asc = (await list('center=self&order_column=name&order_type=asc')).body
      const desc = (await list('center=self&order_column=name&order_type=desc')).body
      expect(names(asc)).toEqual([...names(asc)].sort())
      expect(names(desc)).toEqual([...names(asc)].reverse())
    })

    it('orders by updated_at, with updated_time as its alias from the filter docs', async () => {
      const asc = (await list('center=thirdparty&order_column=updated_at&order_type=asc')).body
      expect(asc.map((r) => r.updated_at)).toEqual(asc.map((r) => r.updated_at).sort())
      const alias = await list(
        'filter=center::thirdparty|order_column::updated_time|order_type::asc',
      )
      expect(alias.body).toEqual(asc)
    })

    it('orders by tag count', async () => {
      const { body } = await list('center=self&order_column=tag_count&order_type=desc')
      const counts = body.map((r) => r.num_images)
      expect(counts).toEqual([...counts].sort((a, b) => b - a))
      expect(counts[0]).toBeGreaterThan(counts.at(-1) as number)
    })

    it('applies the order before paging', async () => {
      const all = (await list('center=self&order_column=name&order_type=asc')).body
      const page = (await list('center=self&order_column=name&order_type=asc&limit=4&offset=4'))
        .body
      expect(page.map(key)).toEqual(all.slice(4, 8).map(key))
    })

    it.each([
      ['order_column without order_type', 'order_column=name', /got only order_column/],
      ['order_type without order_column', 'order_type=asc', /got only order_type/],
      [
        'an unknown column',
        'order_column=size&order_type=asc',
        /order_column "size" is not valid; use one of name, updated_at, updated_time, tag_count/,
      ],
      [
        'an unknown direction',
        'order_column=name&order_type=up',
        /order_type "up" is not valid; use asc or desc/,
      ],
      [
        'a prototype key as column',
        'order_column=constructor&order_type=asc',
        /order_column "constructor" is not valid/,
      ],
    ])('answers 400 for %s', async (_label, query, message) => {
      await expectSwrError(await get(`center=self&${query}`), 400, INVALID, message)
    })
  })

  describe('Content-Type', () => {
    it('accepts application/json;charset=utf-8', async () => {
      const response = await get('center=self', {
        ...HEADERS,
        'Content-Type': 'application/json;charset=utf-8',
      })
      expect(response.status).toBe(200)
    })

    it('answers 400 without a Content-Type, as the SDK always sends one', async () => {
      await expectSwrError(
        await get('center=self', { 'X-Auth-Token': 'test-iam-token' }),
        400,
        INVALID,
        /the Content-Type header is required/,
      )
    })

    it('answers 400 for a Content-Type that is not JSON', async () => {
      await expectSwrError(
        await get('center=self', { ...HEADERS, 'Content-Type': 'text/plain' }),
        400,
        INVALID,
        /Content-Type "text\/plain" is not supported/,
      )
    })
  })

  describe('bad input', () => {
    it('answers any query string with 200 or an SWR 400, never a 500 (property)', async () => {
      const piece = fc.constantFrom(
        'center=self',
        'center=thirdparty',
        'center=',
        'filter=center::self|limit::2|offset::2',
        'filter=name::%7C%7C',
        'filter=::',
        'limit=2',
        'offset=4',
        'limit=-1',
        'order_column=name',
        'order_type=desc',
        'namespace=acme-web',
        'name=%00',
        '%zz=1',
        '&&',
      )
      const junk = fc.string({ maxLength: 16 }).map((s) => `name=${encodeURIComponent(s)}`)
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(piece, junk), { maxLength: 6 }), async (parts) => {
          const response = await get(parts.join('&'))
          const text = await response.text()
          expect([200, 400], text).toContain(response.status)
          if (response.status === 200)
            expectSwrShape('ListSharedReposDetailsResponseBody', JSON.parse(text))
          else expect(JSON.parse(text).error_code).toBe(INVALID)
        }),
        { numRuns: 60, seed: 302 },
      )
      expect(h.mock.db.swr.sharedRepositories.count(), 'the store is untouched').toBe(20)
    })
  })

  describe('routing and injected failures', () => {
    it('answers an unknown path under /v2/manage as the API gateway does: 404 APIG.0101', async () => {
      await expectApigError(
        await h.fetch('/v2/manage/namespaces', { headers: HEADERS }),
        404,
        'APIG.0101',
        /^The API does not exist or has not been published in the environment\.$/,
      )
    })

    it('answers a method the path does not serve as the gateway does: 404, no 405', async () => {
      const response = await h.fetch(LIST, { method: 'DELETE', headers: HEADERS })
      expect(response.headers.get('allow')).toBeNull()
      await expectApigError(response, 404, 'APIG.0101', /^The API does not exist\.$/)
    })

    it('forces 429 with Prefer: code as the gateway throttles, with Retry-After', async () => {
      const response = await get('center=self', { ...HEADERS, Prefer: 'code=429' })
      expect(response.headers.get('retry-after')).toBe('1')
      await expectApigError(response, 429, 'APIG.0308', /throttling threshold/)
    })

    it('forces the contract statuses 400, 401 and 500 with their SWR codes', async () => {
      for (const [status, code] of [
        [400, INVALID],
        [401, 'SVCSTG.SWR.4010000'],
        [500, 'SVCSTG.SWR.5000008'],
      ] as const) {
        const response = await get('center=self', { ...HEADERS, Prefer: `code=${status}` })
        await expectSwrError(response, status, code, /./)
      }
    })

    it('refuses Prefer: code= with a status the operation does not return', async () => {
      await expectSwrError(
        await get('center=self', { ...HEADERS, Prefer: 'code=409' }),
        400,
        INVALID,
        /Prefer: code=409 is not a status ListSharedReposDetails returns; it returns 200, 400, 401, 429, 500, 502, 504/,
      )
    })

    it('renders a fault rule in the SWR envelope and journals the operation', async () => {
      h.mock.faults.add({
        id: 'swr-throttle',
        match: { operation: 'swr.ListSharedReposDetails' },
        effect: { status: 429, retryAfter: 7 },
        times: 1,
      })
      const throttled = await get('center=self')
      expect(throttled.headers.get('retry-after')).toBe('7')
      expect(throttled.headers.get('x-mock-fault')).toBe('swr-throttle')
      await expectApigError(throttled, 429, 'APIG.0308', /throttling threshold/)
      expect((await get('center=self')).status).toBe(200)
      const entries = h.mock.journal.find({ operation: 'swr.ListSharedReposDetails' })
      expect(entries.map((e) => e.status)).toEqual([429, 200])
      expect(entries[0]?.requestId).toBe(throttled.headers.get('x-request-id'))
    })

    it('answers a body over the size limit as the gateway does: 413 APIG.0201', async () => {
      await h.close()
      h = await startHarness(transport, { maxBodyBytes: 16 })
      await expectApigError(
        await h.fetch(LIST, {
          method: 'POST',
          headers: HEADERS,
          body: JSON.stringify({ pad: 'x'.repeat(64) }),
        }),
        413,
        'APIG.0201',
        /^Request entity too large\.$/,
      )
    })

    it('answers an invalid X-Mock-Session in the SWR envelope', async () => {
      await expectSwrError(
        await get('center=self', { ...HEADERS, 'X-Mock-Session': 'bad name!' }),
        400,
        INVALID,
        /X-Mock-Session must be 1-64 letters/,
      )
    })
  })
})
