import type {
  CveRecord,
  ImageMetadata,
  ImageName,
  ImageRecord,
  ImageScan,
  StoredComponent,
  StoredVulnerability,
} from './records.ts'

/**
 * Wire encoding of Central's REST gateway (protojson with `EmitUnpopulated`): lowerCamelCase
 * names in declaration order, unset scalars as their defaults, unset messages and timestamps as
 * `null`, 64-bit integers as strings, enums by name, map keys sorted, and unset oneofs (the
 * optional counts) left out.
 */

/** What encoding needs beyond the record: the CVE feed, the risk ranking, derived counts. */
export interface EncodeLookup {
  cve(id: string): CveRecord | undefined
  /** The image's risk priority (1 = riskiest). */
  priority(image: ImageRecord): number
  stats(image: ImageRecord): ImageStats | null
}

/** Counts Central derives from a scan; `null` when the image has no scan. */
export interface ImageStats {
  components: number
  cves: number
  fixableCves: number
  topCvss: number
}

/** GetImage's output switches. */
export interface ImageEncodeOptions {
  /** Keep snoozed (suppressed or deferred) CVEs; Central drops them by default. */
  includeSnoozed: boolean
  /** Blank every CVE summary. */
  stripDescription: boolean
}

/** Whether Central treats a finding as snoozed (`cve.IsCVESnoozed`). */
export function isSnoozed(vuln: StoredVulnerability): boolean {
  return vuln.suppressed === true || (vuln.state ?? 'OBSERVED') !== 'OBSERVED'
}

/** Derived counts of a scan: components, distinct CVEs, distinct fixable CVEs, top CVSS. */
export function computeStats(
  scan: ImageScan | null,
  cvssOf: (cve: string) => number,
): ImageStats | null {
  if (!scan) return null
  const cves = new Set<string>()
  const fixable = new Set<string>()
  let topCvss = 0
  for (const component of scan.components) {
    for (const vuln of component.vulns) {
      cves.add(vuln.cve)
      if (vuln.fixedBy !== '') fixable.add(vuln.cve)
      topCvss = Math.max(topCvss, cvssOf(vuln.cve))
    }
  }
  return {
    components: scan.components.length,
    cves: cves.size,
    fixableCves: fixable.size,
    topCvss,
  }
}

function encodeName(name: ImageName | null) {
  return (
    name && { registry: name.registry, remote: name.remote, tag: name.tag, fullName: name.fullName }
  )
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function encodeMetadata(metadata: ImageMetadata | null) {
  if (!metadata) return null
  const v1 = metadata.v1
  return {
    v1: v1 && {
      digest: v1.digest,
      created: v1.created,
      author: v1.author,
      layers: v1.layers.map((l) => ({
        instruction: l.instruction,
        value: l.value,
        created: l.created,
        author: l.author,
        empty: l.empty,
      })),
      user: v1.user,
      command: [...v1.command],
      entrypoint: [...v1.entrypoint],
      volumes: [...v1.volumes],
      labels: sortedLabels(v1.labels),
    },
    v2: metadata.v2 && { digest: metadata.v2.digest },
    layerShas: [...metadata.layerShas],
    dataSource: metadata.dataSource && { ...metadata.dataSource },
    version: String(metadata.version),
  }
}

type Origin =
  | 'VULN_ORIGIN_DEBIAN'
  | 'VULN_ORIGIN_ALPINE'
  | 'VULN_ORIGIN_RED_HAT'
  | 'VULN_ORIGIN_UBUNTU'
  | 'VULN_ORIGIN_OSV'
  | 'VULN_ORIGIN_OTHER'

function originOf(os: string, component: StoredComponent): Origin {
  if (component.source !== 'OS') return 'VULN_ORIGIN_OSV'
  if (os.startsWith('debian')) return 'VULN_ORIGIN_DEBIAN'
  if (os.startsWith('alpine')) return 'VULN_ORIGIN_ALPINE'
  if (os.startsWith('rhel') || os.startsWith('centos')) return 'VULN_ORIGIN_RED_HAT'
  if (os.startsWith('ubuntu')) return 'VULN_ORIGIN_UBUNTU'
  return 'VULN_ORIGIN_OTHER'
}

const ORIGIN_LINKS: Partial<Record<Origin, string>> = {
  VULN_ORIGIN_DEBIAN: 'https://security-tracker.debian.org/tracker/',
  VULN_ORIGIN_ALPINE: 'https://security.alpinelinux.org/vuln/',
  VULN_ORIGIN_RED_HAT: 'https://access.redhat.com/security/cve/',
  VULN_ORIGIN_UBUNTU: 'https://ubuntu.com/security/',
  VULN_ORIGIN_OSV: 'https://osv.dev/vulnerability/',
}

function encodeVuln(
  vuln: StoredVulnerability,
  origin: Origin,
  lookup: EncodeLookup,
  stripDescription: boolean,
) {
  const cve = lookup.cve(vuln.cve)
  const nvd = cve?.link ?? `https://nvd.nist.gov/vuln/detail/${vuln.cve}`
  const linkBase = ORIGIN_LINKS[origin]
  const metrics = cve
    ? [{ source: 'SOURCE_NVD', url: nvd, cvssv2: cve.cvssV2, cvssv3: cve.cvssV3 }]
    : []
  if (cve && origin === 'VULN_ORIGIN_RED_HAT') {
    metrics.push({
      source: 'SOURCE_RED_HAT',
      url: `${linkBase}${vuln.cve}`,
      cvssv2: null,
      cvssv3: cve.cvssV3,
    })
  }
  return {
    cve: vuln.cve,
    advisory: null,
    cvss: cve?.cvss ?? 0,
    summary: stripDescription ? '' : (cve?.summary ?? ''),
    link: linkBase ? `${linkBase}${vuln.cve}` : nvd,
    fixedBy: vuln.fixedBy,
    scoreVersion: cve?.scoreVersion ?? 'V2',
    cvssV2: cve?.cvssV2 ?? null,
    cvssV3: cve?.cvssV3 ?? null,
    publishedOn: cve?.publishedOn ?? null,
    lastModified: cve?.lastModified ?? null,
    vulnerabilityType: 'IMAGE_VULNERABILITY',
    vulnerabilityTypes: ['IMAGE_VULNERABILITY'],
    suppressed: vuln.suppressed ?? false,
    suppressActivation: vuln.suppressActivation ?? null,
    suppressExpiry: vuln.suppressExpiry ?? null,
    firstSystemOccurrence: vuln.firstSystemOccurrence,
    firstImageOccurrence: vuln.firstImageOccurrence,
    fixAvailableTimestamp: vuln.fixAvailableTimestamp ?? null,
    severity: cve?.severity ?? 'UNKNOWN_VULNERABILITY_SEVERITY',
    state: vuln.state ?? 'OBSERVED',
    cvssMetrics: metrics,
    nvdCvss: cve?.cvss ?? 0,
    epss: cve?.epss ?? null,
    datasource: '',
    exploit: cve?.exploit ?? null,
    cisaKev: cve?.cisaKev ?? false,
    origin,
  }
}

function componentRisk(component: StoredComponent, lookup: EncodeLookup): number {
  let risk = 1
  for (const vuln of component.vulns) risk += ((lookup.cve(vuln.cve)?.cvss ?? 0) / 10) ** 2 / 4
  return Math.round(risk * 10_000) / 10_000
}

/**
 * @note Component `priority` is the component's risk rank within its image; Central ranks
 * components across all images.
 */
function encodeScan(scan: ImageScan | null, lookup: EncodeLookup, options: ImageEncodeOptions) {
  if (!scan) return null
  const risks = scan.components.map((c) => componentRisk(c, lookup))
  const order = risks.map((risk, i) => ({ risk, i })).sort((a, b) => b.risk - a.risk || a.i - b.i)
  const rank = new Array<number>(risks.length)
  order.forEach(({ i }, position) => {
    rank[i] = position + 1
  })
  return {
    scannerVersion: scan.scannerVersion,
    scanTime: scan.scanTime,
    components: scan.components.map((component, i) => {
      const origin = originOf(scan.operatingSystem, component)
      const vulns = options.includeSnoozed
        ? component.vulns
        : component.vulns.filter((v) => !isSnoozed(v))
      const top = component.vulns.reduce((max, v) => Math.max(max, lookup.cve(v.cve)?.cvss ?? 0), 0)
      return {
        name: component.name,
        version: component.version,
        license: component.license ? { ...component.license } : null,
        vulns: vulns.map((v) => encodeVuln(v, origin, lookup, options.stripDescription)),
        ...(component.layerIndex === null ? {} : { layerIndex: component.layerIndex }),
        priority: String(rank[i] ?? 0),
        source: component.source,
        location: component.location,
        ...(component.vulns.length > 0 ? { topCvss: top } : {}),
        riskScore: risks[i] ?? 1,
        fixedBy: component.fixedBy,
        executables: [],
        architecture: component.architecture,
      }
    }),
    operatingSystem: scan.operatingSystem,
    dataSource: scan.dataSource && { ...scan.dataSource },
    notes: [...scan.notes],
    ...(scan.hash === null ? {} : { hash: scan.hash }),
  }
}

/**
 * `storage.Image` as GetImage, ScanImage and ExportImages return it.
 * @note Without `includeSnoozed`, snoozed CVEs are dropped and `cves` is recounted while
 * `fixableCves` and `topCvss` keep counting them, as Central's `FilterSuppressedCVEsNoClone` does.
 */
export function encodeImage(
  image: ImageRecord,
  lookup: EncodeLookup,
  options: ImageEncodeOptions = { includeSnoozed: true, stripDescription: false },
) {
  const stats = lookup.stats(image)
  let cves = stats?.cves
  if (stats && image.scan && !options.includeSnoozed) {
    const remaining = new Set<string>()
    for (const c of image.scan.components) {
      for (const v of c.vulns) if (!isSnoozed(v)) remaining.add(v.cve)
    }
    cves = remaining.size
  }
  return {
    id: image.id,
    name: encodeName(image.name),
    names: image.names.map(encodeName),
    metadata: encodeMetadata(image.metadata),
    scan: encodeScan(image.scan, lookup, options),
    signatureVerificationData: image.signatureVerificationData && {
      results: image.signatureVerificationData.results.map((r) => ({
        verificationTime: r.verificationTime,
        verifierId: r.verifierId,
        status: r.status,
        description: r.description,
        verifiedImageReferences: [...r.verifiedImageReferences],
        verifierName: r.verifierName,
      })),
    },
    signature: image.signature && {
      signatures: image.signature.signatures.map((s) => ({ cosign: { ...s.cosign } })),
      fetched: image.signature.fetched,
    },
    ...(stats ? { components: stats.components, cves, fixableCves: stats.fixableCves } : {}),
    lastUpdated: image.lastUpdated,
    notPullable: image.notPullable,
    isClusterLocal: image.isClusterLocal,
    priority: String(lookup.priority(image)),
    riskScore: image.riskScore,
    ...(stats ? { topCvss: stats.topCvss } : {}),
    notes: [...image.notes],
    baseImageInfo: image.baseImageInfo.map((b) => ({ ...b })),
  }
}

/** `storage.ListImage`: the projection ListImages returns. */
export function encodeListImage(image: ImageRecord, lookup: EncodeLookup) {
  const stats = lookup.stats(image)
  return {
    id: image.id,
    name: image.name?.fullName ?? '',
    ...(stats
      ? { components: stats.components, cves: stats.cves, fixableCves: stats.fixableCves }
      : {}),
    created: image.metadata?.v1?.created ?? null,
    lastUpdated: image.lastUpdated,
    priority: String(lookup.priority(image)),
  }
}
