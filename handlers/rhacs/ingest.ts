import { z } from 'zod'
import type { ProxyAdapter, RecordedAnswer } from '../../core/proxy/types.ts'
import { upsertRecord } from '../../core/proxy/upsert.ts'
import type { RhacsOperationId } from './index.ts'
import { deleteImages, ImageView } from './model.ts'
import {
  type CveRecord,
  type ImageRecord,
  imageWireSchema,
  rpcStatusWireSchema,
  type StoredComponent,
  type StoredVulnerability,
} from './records.ts'
import type { RhacsStore } from './store.ts'

const STREAMING = 'ImageService_ExportImages'

type WireImage = z.infer<typeof imageWireSchema>
type WireComponent = NonNullable<WireImage['scan']>['components'][number]
type WireVuln = WireComponent['vulns'][number]

function storedVuln(v: WireVuln): StoredVulnerability {
  return {
    cve: v.cve,
    fixedBy: v.fixedBy ?? '',
    ...(v.state === 'OBSERVED' ? {} : { state: v.state }),
    ...(v.suppressed ? { suppressed: true } : {}),
    ...(v.suppressActivation === null ? {} : { suppressActivation: v.suppressActivation }),
    ...(v.suppressExpiry === null ? {} : { suppressExpiry: v.suppressExpiry }),
    firstSystemOccurrence: v.firstSystemOccurrence,
    firstImageOccurrence: v.firstImageOccurrence,
    ...(v.fixAvailableTimestamp === null ? {} : { fixAvailableTimestamp: v.fixAvailableTimestamp }),
  }
}

function storedComponent(c: WireComponent): StoredComponent {
  return {
    name: c.name,
    version: c.version,
    license: c.license,
    vulns: c.vulns.map(storedVuln),
    layerIndex: c.layerIndex ?? null,
    source: c.source,
    location: c.location,
    fixedBy: c.fixedBy,
    architecture: c.architecture,
  }
}

/**
 * The inverse of `encodeImage`: the stored image. Counts, top CVSS, component risk and the
 * priority are derived again when the recording serves it.
 */
function imageRecord(wire: WireImage, deployments: ImageRecord['deployments']): ImageRecord {
  const { metadata, scan } = wire
  return {
    id: wire.id,
    name: wire.name,
    names: wire.names,
    metadata: metadata && {
      v1: metadata.v1,
      v2: metadata.v2,
      layerShas: metadata.layerShas,
      dataSource: metadata.dataSource,
      version: Number(metadata.version),
    },
    scan: scan && {
      scannerVersion: scan.scannerVersion,
      scanTime: scan.scanTime,
      components: scan.components.map(storedComponent),
      operatingSystem: scan.operatingSystem,
      dataSource: scan.dataSource,
      notes: scan.notes,
      hash: scan.hash ?? null,
    },
    signatureVerificationData: wire.signatureVerificationData,
    signature: wire.signature,
    lastUpdated: wire.lastUpdated,
    notPullable: wire.notPullable,
    isClusterLocal: wire.isClusterLocal,
    riskScore: wire.riskScore,
    notes: wire.notes,
    baseImageInfo: wire.baseImageInfo,
    deployments,
  }
}

/**
 * The CVE feed entry behind a finding. Only findings with metrics come from a known CVE (the
 * encoder emits none for a CVE the feed lacks); its NVD metric carries the CVE's own link.
 */
function cveRecord(v: WireVuln, previous: CveRecord | undefined): CveRecord | undefined {
  const nvd = v.cvssMetrics.find((m) => m.source === 'SOURCE_NVD')
  if (!nvd) return undefined
  return {
    cve: v.cve,
    // A `stripDescription` answer blanks summaries: keep the one already known.
    summary: v.summary === '' && previous ? previous.summary : v.summary,
    link: nvd.url,
    cvss: v.cvss,
    severity: v.severity,
    scoreVersion: v.scoreVersion,
    cvssV2: v.cvssV2,
    cvssV3: v.cvssV3,
    publishedOn: v.publishedOn,
    lastModified: v.lastModified,
    epss: v.epss,
    cisaKev: v.cisaKev,
    exploit: v.exploit,
  }
}

/**
 * Stores an image. `last` moves it to the end of the store: the export streams in store order,
 * so images re-added in the order an export listed them export in that order again.
 */
async function putImage(store: RhacsStore, wire: WireImage, last = false): Promise<void> {
  const existing = store.imageById.first(wire.id)
  const record = imageRecord(wire, existing?.deployments ?? [])
  if (last && existing) {
    store.images.delete(existing)
    await store.images.create(record)
  } else {
    await upsertRecord(store.images, existing, record)
  }
  for (const component of wire.scan?.components ?? []) {
    for (const vuln of component.vulns) {
      const previous = store.cves.findFirst((q) => q.where({ cve: vuln.cve }))
      const record = cveRecord(vuln, previous)
      if (record) await upsertRecord(store.cves, previous, record)
    }
  }
}

function isImage(body: unknown): body is WireImage {
  return typeof body === 'object' && body !== null && typeof (body as WireImage).id === 'string'
}

/**
 * Central's answers back into the store: full images from GetImage, ScanImage and every
 * ExportImages line (with the CVE feed entries their findings carry), watched names from
 * GetWatchedImages, WatchImage and UnwatchImage, and a confirmed DeleteImages applied to the
 * recording with the same query.
 * @note ListImages and CountImages answer projections that cannot rebuild an image: export (or
 * get) the images to record them. Central drops snoozed CVEs from GetImage unless
 * `includeSnoozed=true`; record with it (or through the export, which keeps them).
 */
async function ingestRhacs(store: RhacsStore, answer: RecordedAnswer): Promise<void> {
  const body = answer.body as Record<string, unknown> | undefined
  const operation = answer.operation as RhacsOperationId
  switch (operation) {
    case 'ImageService_GetImage':
    case 'ImageService_ScanImage':
      if (isImage(body)) await putImage(store, body)
      return
    case STREAMING: {
      const image = (body?.result as { image?: unknown } | undefined)?.image
      if (isImage(image)) await putImage(store, image, true)
      return
    }
    case 'ImageService_GetWatchedImages': {
      const names = (body?.watchedImages as Array<{ name: string }> | undefined) ?? []
      store.watchedImages.deleteMany((q) => q.where(() => true))
      for (const { name } of names) await store.watchedImages.create({ name })
      return
    }
    case 'ImageService_WatchImage': {
      const name = body?.normalizedName
      if (body?.errorType !== 'NO_ERROR' || typeof name !== 'string' || name === '') return
      if (!store.watchedImages.findFirst((q) => q.where({ name }))) {
        await store.watchedImages.create({ name })
      }
      return
    }
    case 'ImageService_UnwatchImage': {
      const name = answer.url.searchParams.get('name') ?? ''
      store.watchedImages.deleteMany((q) => q.where({ name }))
      return
    }
    case 'ImageService_DeleteImages': {
      if (body?.dryRun !== false) return
      const query = answer.url.searchParams.get('query.query') ?? ''
      try {
        deleteImages(new ImageView(store, 0), query, { limit: 0, offset: 0, reversed: false }, true)
      } catch {
        // A query the model cannot read deletes nothing here; a later export records the rest.
      }
      return
    }
    // Projections that cannot rebuild an image (see the note above), and a cache flush.
    case 'ImageService_ListImages':
    case 'ImageService_CountImages':
    case 'ImageService_InvalidateScanAndRegistryCaches':
      return
    default:
      // Every operation has a case: one added without is a compile error here.
      operation satisfies never
  }
}

/** The error line of a failed export: grpc-gateway's stream error chunk. */
const streamErrorSchema = z.strictObject({ error: rpcStatusWireSchema })
/** A result line of the export. */
const streamResultSchema = z.strictObject({ result: z.strictObject({ image: imageWireSchema }) })

/** RHACS in proxy mode: the export streams, and its errors are stream chunks. */
export const rhacsProxy: ProxyAdapter<RhacsStore> = {
  ingest: ingestRhacs,
  streaming: [STREAMING],
  // Each line is checked against the branch it claims to be, so a message names the field.
  responseSchema(operation, status, body) {
    if (operation !== STREAMING) return undefined
    if (status >= 400) return streamErrorSchema
    const isError = typeof body === 'object' && body !== null && 'error' in body
    return isError ? streamErrorSchema : streamResultSchema
  },
}
