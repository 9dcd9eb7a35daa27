import type { Clock } from '../../core/clock.ts'
import type { Random } from '../../core/random.ts'
import { templateFor } from './catalog/template-for.ts'
import { computeStats, type EncodeLookup, type ImageStats, isSnoozed } from './encoding.ts'
import { GrpcCode, RhacsError } from './errors.ts'
import {
  ImageNameError,
  normalizeDigest,
  type ParsedImageName,
  parseImageName,
  taggedFullName,
} from './image-name.ts'
import { protoTimestamp } from './proto-timestamp.ts'
import type { CveRecord, DataSource, ImageName, ImageRecord } from './records.ts'
import { compileQuery, compileSort, type SearchField, SearchSyntaxError } from './search.ts'
import type { DerivedImageData, RhacsStore } from './store.ts'
import {
  imageNotesOf,
  randomDigest,
  randomUuid,
  riskScoreOf,
  synthesizeMetadata,
  synthesizeScan,
} from './synth.ts'

const DAY = 86_400_000

/** Central's cap on ListImages pages. */
export const MAX_IMAGES_RETURNED = 1000

/** The label images sort by when no sort option is given. */
export const DEFAULT_SORT_FIELD = 'Last Updated'

/**
 * A read of the store for one request: the CVE feed by id, derived counts, and the risk ranking,
 * each computed at most once.
 */
export class ImageView implements EncodeLookup {
  readonly #derived: DerivedImageData

  constructor(
    readonly store: RhacsStore,
    readonly now: number,
  ) {
    // Shared across requests until images or CVEs change: stats and ranks are costly at 10,000.
    this.#derived = store.derived.value
  }

  cve(id: string): CveRecord | undefined {
    return this.#derived.cves.get(id)
  }

  cvss(id: string): number {
    return this.#derived.cves.get(id)?.cvss ?? 0
  }

  stats(image: ImageRecord): ImageStats | null {
    let stats = this.#derived.stats.get(image)
    if (stats === undefined) {
      stats = computeStats(image.scan, (id) => this.cvss(id))
      this.#derived.stats.set(image, stats)
    }
    return stats
  }

  /**
   * Risk priority as Central's ranker gives it: 1 for the highest risk score, ties by id.
   * @note Central recomputes ranks in the background; here they are exact at every read.
   */
  priority(image: ImageRecord): number {
    if (!this.#derived.ranks) {
      const ordered = [...this.store.images.all()].sort(
        (a, b) => b.riskScore - a.riskScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      this.#derived.ranks = new Map(ordered.map((img, i) => [img.id, i + 1]))
    }
    return this.#derived.ranks.get(image.id) ?? 0
  }
}

const time = (value: string | null | undefined): number[] => {
  if (!value) return []
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? [] : [ms]
}

const vulns = (image: ImageRecord) => image.scan?.components.flatMap((c) => c.vulns) ?? []

/**
 * The image search fields this mock evaluates, with Central's labels. Counts and priority come
 * from the view, so they match what the response shows.
 */
export function imageSearchFields(view: ImageView): ReadonlyArray<SearchField<ImageRecord>> {
  const one = <T>(value: T | null | undefined): T[] =>
    value === null || value === undefined ? [] : [value]
  const stat = (key: keyof ImageStats) => (image: ImageRecord) => one(view.stats(image)?.[key])
  return [
    { label: 'Image', kind: 'string', sortable: true, values: (i) => one(i.name?.fullName) },
    { label: 'Image Sha', kind: 'string', sortable: true, values: (i) => [i.id] },
    {
      label: 'Image Registry',
      kind: 'string',
      sortable: true,
      values: (i) => one(i.name?.registry),
    },
    { label: 'Image Remote', kind: 'string', sortable: true, values: (i) => one(i.name?.remote) },
    { label: 'Image Tag', kind: 'string', sortable: true, values: (i) => one(i.name?.tag) },
    {
      label: 'Image OS',
      kind: 'string',
      sortable: true,
      values: (i) => one(i.scan?.operatingSystem),
    },
    {
      label: 'Image Created Time',
      kind: 'datetime',
      sortable: true,
      values: (i) => time(i.metadata?.v1?.created),
    },
    {
      label: 'Image Scan Time',
      kind: 'datetime',
      sortable: true,
      values: (i) => time(i.scan?.scanTime),
    },
    { label: 'Last Updated', kind: 'datetime', sortable: true, values: (i) => time(i.lastUpdated) },
    { label: 'Image CVE Count', kind: 'number', sortable: true, values: stat('cves') },
    { label: 'Fixable CVE Count', kind: 'number', sortable: true, values: stat('fixableCves') },
    { label: 'Component Count', kind: 'number', sortable: true, values: stat('components') },
    { label: 'Image Top CVSS', kind: 'number', sortable: true, values: stat('topCvss') },
    {
      label: 'Image Risk Priority',
      kind: 'number',
      sortable: true,
      values: (i) => [view.priority(i)],
    },
    { label: 'Image Risk Score', kind: 'number', sortable: true, values: (i) => [i.riskScore] },
    { label: 'Image User', kind: 'string', values: (i) => one(i.metadata?.v1?.user) },
    { label: 'Image Command', kind: 'string', values: (i) => i.metadata?.v1?.command ?? [] },
    { label: 'Image Entrypoint', kind: 'string', values: (i) => i.metadata?.v1?.entrypoint ?? [] },
    { label: 'Image Volumes', kind: 'string', values: (i) => i.metadata?.v1?.volumes ?? [] },
    {
      label: 'Image Label',
      kind: 'map',
      values: (i) => Object.entries(i.metadata?.v1?.labels ?? {}),
    },
    {
      label: 'Dockerfile Instruction Keyword',
      kind: 'string',
      values: (i) => i.metadata?.v1?.layers.map((l) => l.instruction) ?? [],
    },
    {
      label: 'Dockerfile Instruction Value',
      kind: 'string',
      values: (i) => i.metadata?.v1?.layers.map((l) => l.value) ?? [],
    },
    {
      label: 'Component',
      kind: 'string',
      values: (i) => i.scan?.components.map((c) => c.name) ?? [],
    },
    {
      label: 'Component Version',
      kind: 'string',
      values: (i) => i.scan?.components.map((c) => c.version) ?? [],
    },
    { label: 'CVE', kind: 'string', values: (i) => vulns(i).map((v) => v.cve) },
    { label: 'CVSS', kind: 'number', values: (i) => vulns(i).map((v) => view.cvss(v.cve)) },
    {
      label: 'Severity',
      kind: 'enum',
      values: (i) =>
        vulns(i).map((v) => view.cve(v.cve)?.severity ?? 'UNKNOWN_VULNERABILITY_SEVERITY'),
    },
    { label: 'Fixable', kind: 'bool', values: (i) => vulns(i).map((v) => v.fixedBy !== '') },
    {
      label: 'Fixed By',
      kind: 'string',
      values: (i) =>
        vulns(i)
          .map((v) => v.fixedBy)
          .filter((f) => f !== ''),
    },
    { label: 'CVE Snoozed', kind: 'bool', values: (i) => vulns(i).map(isSnoozed) },
    {
      label: 'Vulnerability State',
      kind: 'enum',
      values: (i) => vulns(i).map((v) => v.state ?? 'OBSERVED'),
    },
    { label: 'Cluster', kind: 'string', values: (i) => i.deployments.map((d) => d.cluster) },
    { label: 'Cluster ID', kind: 'string', values: (i) => i.deployments.map((d) => d.clusterId) },
    { label: 'Namespace', kind: 'string', values: (i) => i.deployments.map((d) => d.namespace) },
    {
      label: 'Namespace ID',
      kind: 'string',
      values: (i) => i.deployments.map((d) => d.namespaceId),
    },
    { label: 'Deployment', kind: 'string', values: (i) => i.deployments.map((d) => d.name) },
  ]
}

/** Pagination as Central fills it in (`paginated.FillPagination`). */
export interface Pagination {
  limit: number
  offset: number
  sortField?: string
  reversed: boolean
}

/** How a query error is worded for each RPC. */
type QueryErrorStyle = 'plain' | 'delete'

function searchError(error: unknown, style: QueryErrorStyle): unknown {
  if (!(error instanceof SearchSyntaxError)) return error
  return RhacsError.invalidArgs(
    style === 'delete' ? `error parsing query: ${error.message}` : error.message,
  )
}

/** Images matching a query, in store order; throws a 400 for malformed queries. */
export function searchImages(
  view: ImageView,
  query: string,
  style: QueryErrorStyle = 'plain',
): ImageRecord[] {
  let compiled: ReturnType<typeof compileQuery<ImageRecord>>
  try {
    compiled = compileQuery(query, imageSearchFields(view), view.now)
  } catch (error) {
    throw searchError(error, style)
  }
  return view.store.images.all().filter((image) => compiled.test(image))
}

/** Sorts and pages images; without a sort field, by Last Updated (oldest first), ties by id. */
export function paginate(
  view: ImageView,
  images: ImageRecord[],
  pagination: Pagination,
  style: QueryErrorStyle = 'plain',
): ImageRecord[] {
  let sort: ReturnType<typeof compileSort<ImageRecord>>
  try {
    sort = compileSort(
      pagination.sortField || DEFAULT_SORT_FIELD,
      pagination.sortField ? pagination.reversed : false,
      imageSearchFields(view),
    )
  } catch (error) {
    throw searchError(error, style)
  }
  const keyed = images.map((image) => ({ image, key: sort.keyOf(image) }))
  keyed.sort(
    (a, b) =>
      sort.compare(a.key, b.key) ||
      (a.image.id < b.image.id ? -1 : a.image.id > b.image.id ? 1 : 0),
  )
  return keyed.slice(pagination.offset, pagination.offset + pagination.limit).map((k) => k.image)
}

/** ListImages: matching images, sorted and paged (limit 0 or over 1,000 means 1,000). */
export function listImages(view: ImageView, query: string, pagination: Pagination): ImageRecord[] {
  const limit =
    pagination.limit === 0 || pagination.limit > MAX_IMAGES_RETURNED
      ? MAX_IMAGES_RETURNED
      : pagination.limit
  return paginate(view, searchImages(view, query), { ...pagination, limit })
}

/** CountImages: how many images match; pagination does not apply. */
export function countImages(view: ImageView, query: string): number {
  return searchImages(view, query).length
}

/**
 * DeleteImages: the images a scoped query selects (paged when the query carries pagination);
 * deletes them only when `confirm` is set.
 */
export function deleteImages(
  view: ImageView,
  query: string,
  pagination: Pagination,
  confirm: boolean,
): { numDeleted: number; dryRun: boolean } {
  const matched = searchImages(view, query, 'delete')
  const limit = pagination.limit === 0 ? Number.MAX_SAFE_INTEGER : pagination.limit
  const selected = paginate(view, matched, { ...pagination, limit }, 'delete')
  if (confirm && selected.length > 0) {
    const ids = new Set(selected.map((image) => image.id))
    view.store.images.deleteMany((q) => q.where((image) => ids.has(image.id)))
  }
  return { numDeleted: selected.length, dryRun: !confirm }
}

/** GetImage: by id, with `sha256:` added when missing; Central's 404 otherwise. */
export function getImage(store: RhacsStore, id: string): ImageRecord {
  if (id === '') throw RhacsError.invalidArgs('id must be specified')
  const digest = normalizeDigest(id)
  const image = store.imageById.first(digest)
  if (!image) throw RhacsError.notFound(`image with id ${JSON.stringify(id)} does not exist`)
  return image
}

/** ExportImages: every image matching the query, in store order (a snapshot of references). */
export function exportImages(view: ImageView, query: string): ImageRecord[] {
  return searchImages(view, query)
}

/** What a scan needs from the request context. */
export interface ScanContext {
  random: Random
  clock: Clock
}

/** ScanImage's request. */
export interface ScanRequest {
  imageName: string
  force: boolean
  cluster: string
}

/**
 * ScanImage: parses the name, then returns the stored image refreshed (a cached scan unless
 * `force`), or a new image with a fresh scan. Either way the image is saved, as Central saves it.
 * @note A reference with only a digest (`sha256:…`) has no registry to scan from; Central fails
 * such scans with an internal error, the mock with a 400.
 */
export async function scanImage(
  store: RhacsStore,
  ctx: ScanContext,
  request: ScanRequest,
): Promise<ImageRecord> {
  if (request.imageName === '') throw RhacsError.invalidArgs('image name must be specified')
  const parsed = parseName(request.imageName, (message) =>
    RhacsError.invalidArgs(`error parsing image name '${request.imageName}': ${message}`),
  )
  if (parsed.name.registry === '') {
    throw RhacsError.invalidArgs(
      `error parsing image name '${request.imageName}': a registry and repository are needed to scan an image, not only a digest`,
    )
  }
  if (request.cluster !== '') requireCluster(store, request.cluster)
  return saveScannedImage(store, ctx, parsed, request.force)
}

function parseName(input: string, fail: (message: string) => Error): ParsedImageName {
  try {
    return parseImageName(input)
  } catch (error) {
    if (error instanceof ImageNameError) throw fail(error.message)
    throw error
  }
}

function requireCluster(store: RhacsStore, cluster: string): void {
  const clusters = store.clusters.all()
  if (clusters.some((c) => c.id === cluster) || clusters.some((c) => c.name === cluster)) return
  throw new RhacsError(
    GrpcCode.notFound,
    `cluster "${cluster}" not found, ensure cluster exists and have access`,
  )
}

/** The name images are stored under: tagged when there is a tag, by digest otherwise. */
function storedName(parsed: ParsedImageName): ImageName {
  const name = parsed.name
  if (name.tag !== '') return { ...name, fullName: taggedFullName(name) }
  return name
}

function findByName(store: RhacsStore, fullName: string): ImageRecord | undefined {
  return store.images.findFirst((q) =>
    q.where(
      (image) =>
        image.name?.fullName === fullName || image.names.some((n) => n.fullName === fullName),
    ),
  )
}

async function registryDataSource(
  store: RhacsStore,
  random: Random,
  registry: string,
): Promise<DataSource> {
  const known = store.integrations.findFirst((q) =>
    q.where((i) => i.category === 'registry' && i.registry === registry),
  )
  if (known) return { id: known.id, name: known.name, mirror: '' }
  // Central autogenerates an integration for registries it learns about from pull secrets.
  const created = await store.integrations.create({
    id: randomUuid(random),
    name: `Autogenerated https://${registry}`,
    type: 'docker',
    registry,
    category: 'registry',
  })
  return { id: created.id, name: created.name, mirror: '' }
}

async function saveScannedImage(
  store: RhacsStore,
  { random, clock }: ScanContext,
  parsed: ParsedImageName,
  force: boolean,
): Promise<ImageRecord> {
  const now = clock.now()
  const name = storedName(parsed)
  const cvss = new Map(store.cves.all().map((c) => [c.cve, c.cvss]))
  const cvssOf = (id: string) => cvss.get(id) ?? 0
  const existing = parsed.digest
    ? store.imageById.first(parsed.digest)
    : findByName(store, name.fullName)
  const template = templateFor(name.registry, name.remote, name.tag || 'latest')
  if (existing) {
    const rescan =
      force || !existing.scan
        ? existing.scan
          ? {
              ...existing.scan,
              scanTime: protoTimestamp(now),
              hash: ((BigInt(random.seed()) << 32n) | BigInt(random.seed())).toString(),
            }
          : synthesizeScan(random, template, now, now)
        : existing.scan
    const updated = await store.images.update((q) => q.where((image) => image.id === existing.id), {
      data(draft) {
        draft.scan = rescan
        if (!draft.names.some((n) => n.fullName === name.fullName)) draft.names.push(name)
        if (!draft.name) draft.name = name
        draft.lastUpdated = protoTimestamp(now)
        draft.notes = imageNotesOf(draft)
        draft.riskScore = riskScoreOf(rescan, cvssOf, draft.deployments.length > 0)
      },
    })
    return updated ?? existing
  }
  const digest = parsed.digest ?? randomDigest(random)
  const createdAt = now - random.int(1, 90) * DAY - random.int(0, DAY - 1)
  const dataSource = await registryDataSource(store, random, name.registry)
  const metadata = synthesizeMetadata(random, template, digest, createdAt, dataSource)
  const scan = synthesizeScan(random, template, now, now)
  const record: ImageRecord = {
    id: digest,
    name,
    names: [name],
    metadata,
    scan,
    signatureVerificationData: null,
    signature: null,
    lastUpdated: protoTimestamp(now),
    notPullable: false,
    isClusterLocal: false,
    riskScore: riskScoreOf(scan, cvssOf, false),
    notes: [],
    baseImageInfo: [],
    deployments: [],
  }
  record.notes = imageNotesOf(record)
  return store.images.create(record)
}

/** WatchImage's answer: the normalized name, or why the image cannot be watched. */
export interface WatchOutcome {
  normalizedName: string
  errorType: 'NO_ERROR' | 'INVALID_IMAGE_NAME' | 'NO_VALID_INTEGRATION' | 'SCAN_FAILED'
  errorMessage: string
}

/**
 * WatchImage: needs a tagged name without a digest; scans the image (saving it) and records the
 * normalized name. Problems are reported in `errorType` with a 200, as Central does.
 * @note Central defaults a missing tag to `latest`; the API documents that the name must
 * include a tag, and the mock enforces it with INVALID_IMAGE_NAME.
 */
export async function watchImage(
  store: RhacsStore,
  ctx: ScanContext,
  input: string,
): Promise<WatchOutcome> {
  const invalid = (errorMessage: string): WatchOutcome => ({
    normalizedName: '',
    errorType: 'INVALID_IMAGE_NAME',
    errorMessage,
  })
  if (input === '') return invalid('no image name specified')
  let parsed: ParsedImageName
  try {
    parsed = parseImageName(input)
  } catch (error) {
    if (!(error instanceof ImageNameError)) throw error
    return invalid(`failed to parse name: error parsing image name '${input}': ${error.message}`)
  }
  if (parsed.digest) {
    return invalid(`name ${input} contains a digest, but watch does not handle images with digests`)
  }
  if (!parsed.hasTag) {
    return invalid(
      `name ${input} has no tag; a watched image name must be fully qualified, including a tag`,
    )
  }
  await saveScannedImage(store, ctx, parsed, true)
  const normalizedName = taggedFullName(parsed.name)
  if (!store.watchedImages.findFirst((q) => q.where({ name: normalizedName }))) {
    await store.watchedImages.create({ name: normalizedName })
  }
  return { normalizedName, errorType: 'NO_ERROR', errorMessage: '' }
}

/** UnwatchImage: forgets the name exactly as given; succeeds whether or not it was watched. */
export function unwatchImage(store: RhacsStore, name: string): void {
  store.watchedImages.deleteMany((q) => q.where({ name }))
}

/** GetWatchedImages: every watched name, alphabetically. */
export function getWatchedImages(store: RhacsStore): Array<{ name: string }> {
  return store.watchedImages
    .all()
    .map((w) => ({ name: w.name }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
