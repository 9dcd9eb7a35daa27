import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ImageRecord } from '../../handlers/rhacs/records.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { CONTRACT_CHECKS, expectRhacsError, expectRhacsShape } from './contract.ts'
import { byKeyThenId, call, cloneImages, cveIds, q, storeOf } from './helpers.ts'

interface ListImage {
  id: string
  name: string
  components?: number
  cves?: number
  fixableCves?: number
  created: string | null
  lastUpdated: string | null
  priority: string
}

async function list(h: Harness, params = ''): Promise<ListImage[]> {
  const response = await call(h, `/v1/images${params ? `?${params}` : ''}`)
  const body = await response.json()
  expect(response.status, JSON.stringify(body)).toBe(200)
  expectRhacsShape('v1ListImagesResponse', body)
  return body.images
}

/** Risk priority as Central ranks it: highest risk score first, ties by id. */
function priorities(images: readonly ImageRecord[]): Map<string, number> {
  const ordered = [...images].sort(
    (a, b) => b.riskScore - a.riskScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  return new Map(ordered.map((image, i) => [image.id, i + 1]))
}

describe.each(TRANSPORTS)(
  `ImageService_ListImages (%s, contract ${CONTRACT_CHECKS})`,
  (transport) => {
    let h: Harness
    beforeEach(async () => {
      h = await startHarness(transport)
    })
    afterEach(() => h.close())

    it('lists every image as the ListImage projection of the stored image', async () => {
      const stored = storeOf(h).images.all()
      const images = await list(h)
      expect(images).toHaveLength(stored.length)
      const ranks = priorities(stored)
      for (const item of images) {
        const image = stored.find((s) => s.id === item.id) as ImageRecord
        expect(item.name).toBe(image.name?.fullName)
        expect(item.created).toBe(image.metadata?.v1?.created ?? null)
        expect(item.lastUpdated).toBe(image.lastUpdated)
        expect(item.priority, 'int64 travels as a string').toBe(String(ranks.get(image.id)))
        if (image.scan) {
          expect(item.components).toBe(image.scan.components.length)
          expect(item.cves).toBe(cveIds(image).size)
          expect(item.fixableCves).toBe(cveIds(image, true).size)
        } else {
          expect(item, 'unset oneof counts are left out').not.toHaveProperty('cves')
          expect(item).not.toHaveProperty('components')
        }
      }
      expect(
        stored.some((image) => image.scan === null),
        'the default scenario has an unscanned image',
      ).toBe(true)
    })

    it('sorts by Last Updated, oldest first, when no sort option is given', async () => {
      const expected = [...storeOf(h).images.all()]
        .sort(byKeyThenId((i) => Date.parse(i.lastUpdated ?? '')))
        .map((i) => i.id)
      expect((await list(h)).map((i) => i.id)).toEqual(expected)
    })

    it('pages with pagination.limit and pagination.offset over the sorted list', async () => {
      const all = (await list(h)).map((i) => i.id)
      const page = await list(h, 'pagination.limit=5&pagination.offset=3')
      expect(page.map((i) => i.id)).toEqual(all.slice(3, 8))
      expect(await list(h, `pagination.offset=${all.length}`)).toEqual([])
    })

    it('sorts by a search-field label, reversed, case-insensitively', async () => {
      const stored = storeOf(h).images.all()
      const counts = new Map(stored.map((i) => [i.id, i.scan ? cveIds(i).size : -1]))
      const images = await list(
        h,
        `pagination.sortOption.field=${q('image cve count')}&pagination.sortOption.reversed=true`,
      )
      const values = images.map((i) => counts.get(i.id) as number)
      expect(values, 'highest CVE count first, unscanned (no value) first when reversed').toEqual(
        [...values].sort((a, b) => (a === -1 ? -1 : b === -1 ? 1 : b - a)),
      )
    })

    it('accepts proto field names (sort_option) as grpc-gateway does', async () => {
      const images = await list(h, `pagination.sort_option.field=${q('Image Risk Priority')}`)
      expect(images.map((i) => Number(i.priority))).toEqual(images.map((_, i) => i + 1))
    })

    it('filters with the query parameter', async () => {
      const stored = storeOf(h).images.all()
      const images = await list(h, `query=${q('Image Registry:quay.io')}`)
      expect(images.map((i) => i.id).sort()).toEqual(
        stored
          .filter((i) => i.name?.registry === 'quay.io')
          .map((i) => i.id)
          .sort(),
      )
    })

    it('caps pages at 1,000: limit 0 or over 1,000 means 1,000', async () => {
      await cloneImages(storeOf(h), 1_000)
      const total = storeOf(h).images.count()
      expect(total).toBeGreaterThan(1_000)
      expect(await list(h)).toHaveLength(1_000)
      expect(await list(h, 'pagination.limit=0')).toHaveLength(1_000)
      expect(await list(h, 'pagination.limit=5000')).toHaveLength(1_000)
      expect(await list(h, 'pagination.limit=7')).toHaveLength(7)
    })

    it('answers 400 for a limit that is not a number', async () => {
      await expectRhacsError(
        await call(h, '/v1/images?pagination.limit=ten'),
        400,
        3,
        'parsing field "limit": strconv.ParseInt: parsing "ten": invalid syntax',
      )
    })

    it('answers 400 for a negative offset', async () => {
      await expectRhacsError(
        await call(h, '/v1/images?pagination.offset=-1'),
        400,
        3,
        'pagination.offset must not be negative; got -1: invalid arguments',
      )
    })

    it('answers 400 for a parameter given twice', async () => {
      await expectRhacsError(
        await call(h, '/v1/images?pagination.limit=1&pagination.limit=2'),
        400,
        3,
        'too many values for field "pagination.limit": 1, 2',
      )
    })

    it('answers 400 for a sort field that is not an image search field', async () => {
      await expectRhacsError(
        await call(h, `/v1/images?pagination.sortOption.field=${q('Deployment Name')}`),
        400,
        3,
        '"Deployment Name" is not a search field of images: invalid arguments',
      )
    })

    it('answers 400 for a sort field with many values per image', async () => {
      await expectRhacsError(
        await call(h, '/v1/images?pagination.sortOption.field=CVE'),
        400,
        3,
        'images cannot be sorted by "CVE": invalid arguments',
      )
    })

    it('answers 400 for an unknown aggregation', async () => {
      await expectRhacsError(
        await call(h, '/v1/images?pagination.sortOption.aggregateBy.aggrFunc=SUM'),
        400,
        3,
        'parsing field "aggrFunc": "SUM" is not a valid value',
      )
    })
  },
)

describe.each(TRANSPORTS)('ImageService_CountImages (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  async function count(params = ''): Promise<number> {
    const response = await call(h, `/v1/imagescount${params ? `?${params}` : ''}`)
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(200)
    expectRhacsShape('v1CountImagesResponse', body)
    return body.count
  }

  it('counts every image without a query', async () => {
    expect(await count()).toBe(storeOf(h).images.count())
  })

  it('counts the images a query matches', async () => {
    const expected = storeOf(h)
      .images.all()
      .filter((i) => i.deployments.some((d) => d.cluster === 'staging')).length
    expect(expected).toBeGreaterThan(0)
    expect(await count(`query=${q('Cluster:staging')}`)).toBe(expected)
  })

  it('ignores pagination', async () => {
    expect(await count('pagination.limit=2&pagination.offset=5')).toBe(storeOf(h).images.count())
  })

  it('still answers 400 for malformed pagination values', async () => {
    await expectRhacsError(
      await call(h, '/v1/imagescount?pagination.sortOption.reversed=maybe'),
      400,
      3,
      'parsing field "reversed": strconv.ParseBool: parsing "maybe": invalid syntax',
    )
  })

  it('answers 400 (InvalidArgument) for a malformed query', async () => {
    await expectRhacsError(
      await call(h, `/v1/imagescount?query=${q('Image CVE Count:lots')}`),
      400,
      3,
      'cannot parse "lots" as a number for field "Image CVE Count": invalid arguments',
    )
  })
})
