import type { Random } from '../../core/random.ts'
import { cveFeed } from './catalog/cve-feed.ts'
import type { ImageTemplate } from './catalog/image-templates.ts'
import { LANGUAGE_PROFILES, type LanguageKey } from './catalog/language-profiles.ts'
import { OS_PROFILES } from './catalog/os-profiles.ts'
import type { PackageDefinition } from './catalog/package-definition.ts'
import { SCANNER_DATA_SOURCE, SCANNER_VERSION } from './catalog/scanner.ts'
import { protoTimestamp } from './proto-timestamp.ts'
import type {
  DataSource,
  ImageMetadata,
  ImageName,
  ImageRecord,
  ImageScan,
  StoredComponent,
  StoredVulnerability,
} from './records.ts'

const DAY = 86_400_000
let published: ReadonlyMap<string, number> | undefined

/** Publication instants of the feed's CVEs (epoch ms), built on first use like the feed. */
function publishedByCve(): ReadonlyMap<string, number> {
  published ??= new Map(cveFeed().map((c) => [c.cve, Date.parse(c.publishedOn ?? '')]))
  return published
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Eight hex digits of one 32-bit draw, by table (seeding draws millions of digits). */
function hex8(random: Random): string {
  const n = random.seed()
  return `${HEX_BYTES[n >>> 24]}${HEX_BYTES[(n >>> 16) & 255]}${HEX_BYTES[(n >>> 8) & 255]}${HEX_BYTES[n & 255]}`
}

/** A fresh `sha256:` digest from a random stream. */
export function randomDigest(random: Random): string {
  return `sha256:${hex8(random)}${hex8(random)}${hex8(random)}${hex8(random)}${hex8(random)}${hex8(random)}${hex8(random)}${hex8(random)}`
}

/** A random UUID-shaped id. */
export function randomUuid(random: Random): string {
  const h = random.hex(32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
}

interface Layer {
  instruction: string
  value: string
  empty: boolean
  /** Which packages this layer installed. */
  installs?: 'os' | 'osExtras' | LanguageKey
}

function layersOf(template: ImageTemplate): Layer[] {
  const profile = OS_PROFILES[template.os]
  const layers: Layer[] = profile.baseLayers.map(([instruction, value, empty]) => ({
    instruction,
    value,
    empty,
    ...(empty ? {} : { installs: 'os' as const }),
  }))
  const extras = template.osExtras ?? []
  if (extras.length > 0) {
    const list = extras.join(' ')
    const value =
      template.os === 'alpine'
        ? `/bin/sh -c apk add --no-cache ${list}`
        : template.os === 'rhel'
          ? `/bin/sh -c microdnf install -y ${list} && microdnf clean all`
          : `/bin/sh -c apt-get update && apt-get install -y --no-install-recommends ${list} && rm -rf /var/lib/apt/lists/*`
    layers.push({ instruction: 'RUN', value, empty: false, installs: 'osExtras' })
  }
  layers.push({ instruction: 'ENV', value: 'APP_HOME=/app', empty: true })
  layers.push({ instruction: 'WORKDIR', value: '/app', empty: true })
  for (const key of Object.keys(template.languages ?? {}) as LanguageKey[]) {
    const install = LANGUAGE_PROFILES[key].install
    const [instruction, ...rest] = install.startsWith('COPY ') ? install.split(' ') : ['RUN']
    layers.push({
      instruction: instruction ?? 'RUN',
      value: instruction === 'RUN' ? install : rest.join(' '),
      empty: false,
      installs: key,
    })
  }
  if (template.languages && Object.keys(template.languages).length > 0) {
    layers.push({ instruction: 'COPY', value: 'dir:app in /app ', empty: false })
  }
  layers.push({ instruction: 'EXPOSE', value: '8080/tcp', empty: true })
  if (template.user) layers.push({ instruction: 'USER', value: template.user, empty: true })
  if (template.entrypoint) {
    layers.push({
      instruction: 'ENTRYPOINT',
      value: JSON.stringify(template.entrypoint),
      empty: true,
    })
  }
  if (template.command) {
    layers.push({ instruction: 'CMD', value: JSON.stringify(template.command), empty: true })
  }
  return layers
}

/** The name an image template is pulled by. */
export function templateName(template: ImageTemplate, tag = template.tag): ImageName {
  return {
    registry: template.registry,
    remote: template.remote,
    tag,
    fullName: `${template.registry}/${template.remote}:${tag}`,
  }
}

/** Image metadata as a registry integration pulls it: config (V1), manifest digest (V2), layers. */
export function synthesizeMetadata(
  random: Random,
  template: ImageTemplate,
  digest: string,
  createdAt: number,
  dataSource: DataSource | null,
  author = '',
): ImageMetadata {
  const layers = layersOf(template)
  const step = random.int(20, 240) * 1000
  return {
    v1: {
      digest: randomDigest(random),
      created: protoTimestamp(createdAt),
      author,
      layers: layers.map((layer, i) => ({
        instruction: layer.instruction,
        value: layer.value,
        created: protoTimestamp(createdAt - (layers.length - 1 - i) * step),
        author: '',
        empty: layer.empty,
      })),
      user: template.user ?? '',
      command: [...(template.command ?? [])],
      entrypoint: [...(template.entrypoint ?? [])],
      volumes: [...(template.volumes ?? [])],
      labels: { ...(template.labels ?? {}) },
    },
    v2: { digest },
    layerShas: layers.filter((l) => !l.empty).map(() => randomDigest(random)),
    dataSource,
    version: 4,
  }
}

/**
 * A Scanner V4 scan of an image built from `template`: the OS packages and the language packages
 * it installs, each CVE of a package present with probability `share` (all when 1).
 */
export function synthesizeScan(
  random: Random,
  template: ImageTemplate,
  scanTime: number,
  firstSeen: number,
  share = 0.8,
): ImageScan {
  const profile = OS_PROFILES[template.os]
  const layers = layersOf(template)
  const layerOf = (installs: Layer['installs']) => {
    const index = layers.findIndex((l) => l.installs === installs)
    return index === -1 ? null : index
  }
  const dbLocation =
    template.os === 'alpine'
      ? 'lib/apk/db/installed'
      : template.os === 'rhel'
        ? 'var/lib/rpm/rpmdb.sqlite'
        : 'var/lib/dpkg/status'
  const components: StoredComponent[] = []
  const add = (
    pkg: PackageDefinition,
    source: StoredComponent['source'],
    location: string,
    layerIndex: number | null,
  ) => {
    const vulns = (pkg.cves ?? [])
      .filter(() => share >= 1 || random.next() < share)
      .map(([cve, fixedBy]) => finding(random, cve, fixedBy, scanTime, firstSeen))
    const fixable = vulns.filter((v) => v.fixedBy !== '')
    components.push({
      name: pkg.name,
      version: pkg.version,
      ...(pkg.license ? { license: { name: pkg.license, type: '', url: '' } } : {}),
      vulns,
      layerIndex,
      source,
      location,
      fixedBy: fixable.at(-1)?.fixedBy ?? '',
      architecture: source === 'OS' ? 'amd64' : '',
    })
  }
  if (profile.os !== '') {
    for (const pkg of profile.packages) add(pkg, 'OS', dbLocation, layerOf('os'))
    const optional: readonly PackageDefinition[] = 'optional' in profile ? profile.optional : []
    for (const name of template.osExtras ?? []) {
      const pkg = optional.find((p) => p.name === name)
      if (pkg) add(pkg, 'OS', dbLocation, layerOf('osExtras'))
    }
  }
  for (const [key, wanted] of Object.entries(template.languages ?? {}) as Array<
    [LanguageKey, readonly string[] | 'all']
  >) {
    const language = LANGUAGE_PROFILES[key]
    const packages: readonly PackageDefinition[] = language.packages
    for (const pkg of packages) {
      if (wanted === 'all' || wanted.includes(pkg.name)) {
        add(pkg, language.source, language.location(pkg), layerOf(key))
      }
    }
  }
  return {
    scannerVersion: SCANNER_VERSION,
    scanTime: protoTimestamp(scanTime),
    components,
    operatingSystem: profile.os,
    dataSource: { ...SCANNER_DATA_SOURCE },
    notes: profile.os === '' ? ['OS_UNAVAILABLE'] : [],
    hash: ((BigInt(random.seed()) << 32n) | BigInt(random.seed())).toString(),
  }
}

function finding(
  random: Random,
  cve: string,
  fixedBy: string,
  scanTime: number,
  firstSeen: number,
): StoredVulnerability {
  const published = publishedByCve().get(cve) ?? firstSeen - 365 * DAY
  const imageFirst = Math.min(scanTime, Math.max(firstSeen, published))
  const systemFirst = Math.max(published, imageFirst - random.int(0, 200) * DAY)
  const fixAvailable =
    fixedBy === '' ? null : Math.min(scanTime, systemFirst + random.int(0, 30) * DAY)
  const vuln: StoredVulnerability = {
    cve,
    fixedBy,
    firstSystemOccurrence: protoTimestamp(systemFirst),
    firstImageOccurrence: protoTimestamp(imageFirst),
  }
  if (fixAvailable !== null) vuln.fixAvailableTimestamp = protoTimestamp(fixAvailable)
  return vuln
}

/**
 * Central's risk score for an image, reduced to what the mock knows: the CVSS of its distinct
 * CVEs (weighted towards the severe ones) and whether anything runs it.
 */
export function riskScoreOf(
  scan: ImageScan | null,
  cvssOf: (cve: string) => number,
  deployed: boolean,
): number {
  if (!scan) return 1
  const seen = new Set<string>()
  let vulnerability = 0
  for (const component of scan.components) {
    for (const vuln of component.vulns) {
      if (seen.has(vuln.cve)) continue
      seen.add(vuln.cve)
      vulnerability += (cvssOf(vuln.cve) / 10) ** 2
    }
  }
  const score = (1 + vulnerability / 4) * (deployed ? 1.2 : 1)
  return Math.round(score * 10_000) / 10_000
}

/** The notes Central attaches to an image from what it could and could not fetch. */
export function imageNotesOf(image: Pick<ImageRecord, 'metadata' | 'scan' | 'signature'>) {
  const notes: ImageRecord['notes'] = []
  if (!image.metadata) notes.push('MISSING_METADATA')
  if (!image.scan) notes.push('MISSING_SCAN_DATA')
  if (!image.signature) notes.push('MISSING_SIGNATURE', 'MISSING_SIGNATURE_VERIFICATION_DATA')
  return notes
}
