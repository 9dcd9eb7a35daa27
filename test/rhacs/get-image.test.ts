import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ImageRecord } from '../../handlers/rhacs/records.ts'
import { HAVE_CONTRACTS } from '../support/contracts.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError, expectRhacsShape } from './contract.ts'
import { call, cveIds, storeOf } from './helpers.ts'

type Json = Record<string, unknown>
type WireVuln = { cve: string; summary: string; severity: string; state: string }
type WireComponent = { vulns: WireVuln[]; priority: string }

const isSnoozed = (v: { suppressed?: boolean; state?: string }) =>
  v.suppressed === true || (v.state ?? 'OBSERVED') !== 'OBSERVED'

function find(h: Harness, predicate: (image: ImageRecord) => boolean): ImageRecord {
  const image = storeOf(h).images.all().find(predicate)
  if (!image) throw new Error('the default scenario lacks the image this test needs')
  return image
}

async function getImage(h: Harness, id: string, params = ''): Promise<Json> {
  const response = await call(h, `/v1/images/${id}${params ? `?${params}` : ''}`)
  const body = await response.json()
  expect(response.status, JSON.stringify(body).slice(0, 300)).toBe(200)
  expectRhacsShape('storageImage', body)
  return body
}

const allVulns = (body: Json) =>
  ((body.scan as { components: WireComponent[] } | null)?.components ?? []).flatMap((c) => c.vulns)

describe.each(TRANSPORTS)('ImageService_GetImage (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers the stored image, with or without the sha256: prefix', async () => {
    const image = find(h, (i) => i.scan !== null)
    const withPrefix = await getImage(h, image.id)
    const withoutPrefix = await getImage(h, image.id.replace(/^sha256:/, ''))
    expect(withoutPrefix).toEqual(withPrefix)
    expect(withPrefix.id).toBe(image.id)
    expect(withPrefix.name).toEqual(image.name)
    expect(withPrefix.cves).toBe(cveIds(image).size)
    expect(withPrefix.fixableCves).toBe(cveIds(image, true).size)
    expect(withPrefix.components).toBe(image.scan?.components.length)
  })

  it('accepts a percent-encoded colon in the id', async () => {
    const image = find(h, () => true)
    expect((await getImage(h, encodeURIComponent(image.id))).id).toBe(image.id)
  })

  it('encodes as the gateway does: int64 as strings, enums by name, unset messages as null', async () => {
    const unsigned = find(h, (i) => i.scan !== null && i.signature === null)
    const body = await getImage(h, unsigned.id)
    expect(body.priority).toMatch(/^\d+$/)
    expect((body.metadata as Json).version).toBe('4')
    expect(body.signature, 'unset message').toBeNull()
    expect(body.signatureVerificationData).toBeNull()
    expect(body.notes).toEqual(['MISSING_SIGNATURE', 'MISSING_SIGNATURE_VERIFICATION_DATA'])
    const vuln = allVulns(body)[0] as WireVuln & Json
    expect(vuln.severity).toMatch(/_VULNERABILITY_SEVERITY$/)
    expect(vuln.advisory, 'unset message').toBeNull()
    expect(vuln.datasource, 'unset string').toBe('')
    expect(vuln.vulnerabilityType).toBe('IMAGE_VULNERABILITY')
    const labels = Object.keys(((body.metadata as Json).v1 as Json).labels as Json)
    expect(labels, 'map keys sorted').toEqual([...labels].sort())
  })

  it('leaves the scan null and the counts out for an unscanned image', async () => {
    const unscanned = find(h, (i) => i.scan === null)
    const body = await getImage(h, unscanned.id)
    expect(body.scan).toBeNull()
    for (const key of ['components', 'cves', 'fixableCves', 'topCvss']) {
      expect(body, `${key} is an unset oneof`).not.toHaveProperty(key)
    }
    expect(body.notes).toContain('MISSING_SCAN_DATA')
  })

  it('drops snoozed CVEs unless includeSnoozed, recounting cves but not fixableCves', async () => {
    const image = find(h, (i) =>
      (i.scan?.components ?? []).some((c) => c.vulns.some((v) => isSnoozed(v))),
    )
    const snoozed = new Set(
      image.scan?.components.flatMap((c) => c.vulns.filter(isSnoozed).map((v) => v.cve)),
    )
    const remaining = new Set(
      image.scan?.components.flatMap((c) => c.vulns.filter((v) => !isSnoozed(v)).map((v) => v.cve)),
    )
    const hidden = await getImage(h, image.id)
    expect(allVulns(hidden).filter((v) => isSnoozed(v))).toEqual([])
    expect(hidden.cves).toBe(remaining.size)
    expect(hidden.fixableCves).toBe(cveIds(image, true).size)
    const shown = await getImage(h, image.id, 'includeSnoozed=true')
    const shownSnoozed = allVulns(shown).filter((v) => isSnoozed(v as never))
    expect(new Set(shownSnoozed.map((v) => v.cve))).toEqual(snoozed)
    expect(shown.cves).toBe(cveIds(image).size)
    expect(shownSnoozed.some((v) => v.state === 'DEFERRED')).toBe(true)
  })

  it('blanks every CVE summary with stripDescription', async () => {
    const image = find(h, (i) => cveIds(i).size > 0)
    const full = allVulns(await getImage(h, image.id))
    expect(full.every((v) => v.summary.length > 0)).toBe(true)
    const stripped = allVulns(await getImage(h, image.id, 'stripDescription=true'))
    expect(stripped.map((v) => v.summary)).toEqual(full.map(() => ''))
    expect(stripped.map((v) => v.cve)).toEqual(full.map((v) => v.cve))
  })

  it("answers 404 with Central's message for an unknown id", async () => {
    await expectRhacsError(
      await call(h, '/v1/images/sha256:0123'),
      404,
      5,
      'image with id "sha256:0123" does not exist: not found',
    )
  })

  it('quotes the id as given when it lacks the prefix', async () => {
    await expectRhacsError(
      await call(h, '/v1/images/deadbeef'),
      404,
      5,
      'image with id "deadbeef" does not exist: not found',
    )
  })

  it('answers 400 for a boolean parameter that is not a boolean', async () => {
    const image = find(h, () => true)
    await expectRhacsError(
      await call(h, `/v1/images/${image.id}?includeSnoozed=yes`),
      400,
      3,
      'parsing field "includeSnoozed": strconv.ParseBool: parsing "yes": invalid syntax',
    )
  })
})

describe.each(TRANSPORTS)('the RHACS contract check (%s)', (transport) => {
  it('rejects an image that breaks the gateway encoding', async () => {
    const h = await startHarness(transport)
    try {
      const image = storeOf(h).images.all()[0] as ImageRecord
      const body = (await (await call(h, `/v1/images/${image.id}`)).json()) as Json
      expect(() => expectRhacsShape('storageImage', body)).not.toThrow()
      expect(() => expectRhacsShape('storageImage', { ...body, priority: 3 })).toThrow(
        /priority|string/,
      )
      expect(() => expectRhacsShape('storageImage', { ...body, deployments: [] })).toThrow()
      const { lastUpdated: _, ...missing } = body
      expect(() => expectRhacsShape('storageImage', missing)).toThrow(/lastUpdated/)
      if (HAVE_CONTRACTS) {
        expect(() => expectRhacsShape('v1CountImagesResponse', { count: '3' })).toThrow()
      }
    } finally {
      await h.close()
    }
  })
})
