import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ImageRecord } from '../../handlers/rhacs/records.ts'
import type { RhacsStore } from '../../handlers/rhacs/store.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError } from './contract.ts'
import { call, cveIds, q, storeOf } from './helpers.ts'

const DAY = 86_400_000

/** What a predicate may consult besides the image: the request's instant and derived values. */
interface Oracle {
  now: number
  cvss(cve: string): number
  priority(image: ImageRecord): number
}

type Query = string | ((store: RhacsStore) => string)

interface Case {
  title: string
  query: Query
  expected: (image: ImageRecord, o: Oracle, store: RhacsStore) => boolean
  /** The selection may be empty (or everything) by design. */
  anySize?: boolean
}

const ms = (t: string | null | undefined) => (t ? Date.parse(t) : Number.NaN)
const cves = (i: ImageRecord) => cveIds(i).size
const vulns = (i: ImageRecord) => i.scan?.components.flatMap((c) => c.vulns) ?? []
const lower = (s: string | undefined) => (s ?? '').toLowerCase()
const topCvss = (i: ImageRecord, o: Oracle) => Math.max(0, ...vulns(i).map((v) => o.cvss(v.cve)))
const firstScanned = (store: RhacsStore) =>
  store.images.all().find((i) => i.scan && i.metadata?.v1?.created) as ImageRecord
const mmddyyyy = (t: number) => {
  const d = new Date(t)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`
}
const utcDay = (t: number) => t - (t % DAY)

/** Every operator of the language, with an independent statement of what it selects. */
const CASES: Case[] = [
  {
    title: 'a string value matches by prefix',
    query: 'Image Registry:quay',
    expected: (i) => lower(i.name?.registry).startsWith('quay'),
  },
  {
    title: 'field labels and values are case-insensitive',
    query: 'image REMOTE:ACME/',
    expected: (i) => lower(i.name?.remote).startsWith('acme/'),
  },
  {
    title: 'values of one field are OR-ed',
    query: 'Image Registry:quay.io,gcr.io',
    expected: (i) => ['quay.io', 'gcr.io'].includes(i.name?.registry ?? ''),
  },
  {
    title: 'fields are AND-ed with +',
    query: 'Image Registry:docker.io+Image OS:alpine',
    expected: (i) =>
      i.name?.registry === 'docker.io' && lower(i.scan?.operatingSystem).startsWith('alpine'),
  },
  {
    title: '"quoted" values match exactly, not by prefix',
    query: 'Image Tag:"1.25.3"',
    expected: (i) => i.name?.tag === '1.25.3',
  },
  {
    title: 'exact matches are case-sensitive',
    query: 'Image Tag:"NONROOT"',
    expected: (i) => i.name?.tag === 'NONROOT',
    anySize: true,
  },
  {
    title: 'r/ matches a case-insensitive regular expression anywhere',
    query: 'Image Remote:r/-(API|web)$',
    expected: (i) => /-(api|web)$/i.test(i.name?.remote ?? ''),
  },
  {
    title: '! negates a prefix',
    query: 'Image Registry:!docker.io',
    expected: (i) => !lower(i.name?.registry).startsWith('docker.io'),
  },
  {
    title: '! negates an exact match',
    query: 'Image Tag:!"1.25.3"',
    expected: (i) => i.name?.tag !== '1.25.3',
  },
  {
    title: '! negates a regex',
    query: 'Image Remote:!r/^library/',
    expected: (i) => !/^library/i.test(i.name?.remote ?? ''),
  },
  {
    title: '> compares numbers',
    query: 'Image CVE Count:>10',
    expected: (i) => i.scan !== null && cves(i) > 10,
  },
  {
    title: '< compares numbers',
    query: 'Image CVE Count:<5',
    expected: (i) => i.scan !== null && cves(i) < 5,
  },
  {
    title: '>= compares numbers',
    query: 'Image Top CVSS:>=9',
    expected: (i, o) => i.scan !== null && topCvss(i, o) >= 9,
  },
  {
    title: '<= compares numbers',
    query: 'Image Risk Priority:<=3',
    expected: (i, o) => o.priority(i) <= 3,
  },
  {
    title: 'a-b is a range excluding both ends',
    query: 'Image CVE Count:5-15',
    expected: (i) => i.scan !== null && cves(i) > 5 && cves(i) < 15,
  },
  {
    title: '>30d means longer ago than 30 days',
    query: 'Image Created Time:>30d',
    expected: (i, o) => ms(i.metadata?.v1?.created) < o.now - 30 * DAY,
  },
  {
    title: '<2d means within the last 2 days',
    query: 'Last Updated:<2d',
    expected: (i, o) => ms(i.lastUpdated) > o.now - 2 * DAY,
  },
  {
    title: '>= and <= on relative days',
    query: 'Image Scan Time:>=1d',
    expected: (i, o) => ms(i.scan?.scanTime) <= o.now - DAY,
  },
  {
    title: '<= on relative days',
    query: 'Image Scan Time:<=1d',
    expected: (i, o) => ms(i.scan?.scanTime) >= o.now - DAY,
  },
  {
    title: '> compares with a date',
    query: 'Image Created Time:>01/01/2026',
    expected: (i) => ms(i.metadata?.v1?.created) > Date.UTC(2026, 0, 1),
  },
  {
    title: 'a range of days, 30d-90d ago',
    query: 'Image Created Time:30d-90d',
    expected: (i, o) => {
      const t = ms(i.metadata?.v1?.created)
      return t > o.now - 90 * DAY && t < o.now - 30 * DAY
    },
  },
  {
    title: 'tr/<ms>-<ms> is an absolute time range',
    query: (store) => {
      const t = ms(firstScanned(store).lastUpdated)
      return `Last Updated:tr/${t - 3 * DAY}-${t + 1}`
    },
    expected: (i, _o, store) => {
      const t = ms(firstScanned(store).lastUpdated)
      const x = ms(i.lastUpdated)
      return x >= t - 3 * DAY && x < t + 1
    },
  },
  {
    title: '* matches any value',
    query: 'Image OS:*',
    expected: (i) => (i.scan?.operatingSystem ?? '') !== '',
  },
  {
    title: '- matches no value',
    query: 'Image OS:-',
    expected: (i) => (i.scan?.operatingSystem ?? '') === '',
  },
  {
    title: 'unknown fields are ignored',
    query: 'Flavor:vanilla+Image Registry:gcr.io',
    expected: (i) => i.name?.registry === 'gcr.io',
  },
  {
    title: 'a query of only unknown fields matches everything',
    query: 'Flavor:vanilla',
    expected: () => true,
    anySize: true,
  },
  {
    title: 'Image matches the full name',
    query: 'Image:docker.io/library/n',
    expected: (i) => lower(i.name?.fullName).startsWith('docker.io/library/n'),
  },
  {
    title: 'Image Sha matches the digest',
    query: (store) => `Image Sha:${(store.images.all()[3] as ImageRecord).id.slice(0, 20)}`,
    expected: (i, _o, store) =>
      i.id.startsWith((store.images.all()[3] as ImageRecord).id.slice(0, 20)),
  },
  {
    title: 'Cluster and Namespace match where images run',
    query: 'Cluster:staging+Namespace:ml',
    expected: (i) =>
      i.deployments.some((d) => d.cluster === 'staging') &&
      i.deployments.some((d) => d.namespace === 'ml'),
  },
  {
    title: 'Namespace alone',
    query: 'Namespace:payments',
    expected: (i) => i.deployments.some((d) => d.namespace === 'payments'),
  },
  {
    title: 'CVE matches findings',
    query: 'CVE:CVE-2021-44228,CVE-2022-22965',
    expected: (i) => vulns(i).some((v) => ['CVE-2021-44228', 'CVE-2022-22965'].includes(v.cve)),
  },
  {
    title: 'Image Label matches key=value, each by prefix',
    query: 'Image Label:maintainer=nginx',
    expected: (i) =>
      Object.entries(i.metadata?.v1?.labels ?? {}).some(
        ([k, v]) => k.startsWith('maintainer') && lower(v).startsWith('nginx'),
      ),
  },
  {
    title: 'an empty query matches everything',
    query: '',
    expected: () => true,
    anySize: true,
  },
]

const MALFORMED: Array<[string, string]> = [
  ['Image Registry', '"Image Registry" is not of the form <field>:<value>[,<value>…]'],
  [':quay.io', '":quay.io" names no field before ":"'],
  ['Image Registry:', 'field "Image Registry" has no value after ":"'],
  ['Image:"nginx', 'unterminated double quote in query "Image:"nginx"'],
  ['Image CVE Count:many', 'cannot parse "many" as a number for field "Image CVE Count"'],
  [
    'Image CVE Count:!5',
    'modifiers ("!", "r/", quotes) are not supported for numeric field "Image CVE Count" in "!5"',
  ],
  [
    'Image CVE Count:9-3',
    'invalid range 9-3 for field "Image CVE Count" (first value must be strictly less than the second)',
  ],
  [
    'Image Created Time:02/30/2024',
    'invalid time query for field "Image Created Time" (prefix: , value: 02/30/2024). Must be of the format (01/02/2006 or 1d)',
  ],
  ['Last Updated:tr/5-', 'malformed time range query string: 5-'],
  ['Fixable:maybe', 'field "Fixable": strconv.ParseBool: parsing "maybe": invalid syntax'],
  [
    'Image Tag:!!latest',
    '"!!latest": the "!!" (match all values) modifier is not supported by this API',
  ],
]

describe.each(TRANSPORTS)('RHACS search query language (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  function oracle(now: number): Oracle {
    const store = storeOf(h)
    const cvss = new Map(store.cves.all().map((c) => [c.cve, c.cvss]))
    const ranked = [...store.images.all()].sort(
      (a, b) => b.riskScore - a.riskScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    return {
      now,
      cvss: (id) => cvss.get(id) ?? 0,
      priority: (image) => ranked.findIndex((r) => r.id === image.id) + 1,
    }
  }

  it.each(CASES)('$title', async ({ query, expected, anySize }) => {
    const store = storeOf(h)
    const text = typeof query === 'function' ? query(store) : query
    const response = await call(h, `/v1/images?query=${q(text)}`)
    const body = await response.json()
    expect(response.status, JSON.stringify(body)).toBe(200)
    // The request moved the session clock; relative dates were judged at the instant it set.
    const o = oracle(h.mock.clock.now())
    const want = store.images
      .all()
      .filter((image) => expected(image, o, store))
      .map((image) => image.id)
      .sort()
    const got = body.images.map((image: { id: string }) => image.id).sort()
    expect(got, text).toEqual(want)
    if (!anySize) {
      expect(want.length, `"${text}" should select some images`).toBeGreaterThan(0)
      expect(want.length, `"${text}" should not select every image`).toBeLessThan(
        store.images.count(),
      )
    }
  })

  it('== selects images with exactly that many components', async () => {
    const store = storeOf(h)
    const wanted = firstScanned(store).scan?.components.length
    const body = await (
      await call(h, `/v1/images?query=${q(`Component Count:==${wanted}`)}`)
    ).json()
    expect(body.images.map((i: { id: string }) => i.id).sort()).toEqual(
      store.images
        .all()
        .filter((i) => i.scan?.components.length === wanted)
        .map((i) => i.id)
        .sort(),
    )
  })

  it('a calendar day matches from midnight UTC to the next', async () => {
    const store = storeOf(h)
    const created = ms(firstScanned(store).metadata?.v1?.created)
    const day = mmddyyyy(created)
    const body = await (await call(h, `/v1/images?query=${q(`Image Created Time:${day}`)}`)).json()
    const start = utcDay(created)
    expect(body.images.map((i: { id: string }) => i.id).sort()).toEqual(
      store.images
        .all()
        .filter((i) => {
          const t = ms(i.metadata?.v1?.created)
          return t >= start && t < start + DAY
        })
        .map((i) => i.id)
        .sort(),
    )
  })

  it.each(MALFORMED)('answers 400 (InvalidArgument) for %j', async (query, message) => {
    await expectRhacsError(
      await call(h, `/v1/images?query=${q(query)}`),
      400,
      3,
      `${message}: invalid arguments`,
    )
  })

  it('treats a raw + as a space, as URL query decoding does', async () => {
    const body = await (
      await call(h, '/v1/imagescount?query=Image Registry:gcr.io+Image OS:alpine')
    ).json()
    const gcr = storeOf(h)
      .images.all()
      .filter((i) => i.name?.registry === 'gcr.io')
    expect(
      body.count,
      'the value becomes "gcr.io Image OS:alpine", which nothing starts with',
    ).toBe(0)
    expect(gcr.length).toBeGreaterThan(0)
  })
})
