import type { Clock } from '../../../core/clock.ts'
import type { Random } from '../../../core/random.ts'
import { CycleError } from '../errors.ts'
import {
  type Acl,
  type ApiKey,
  type CreateImageSourceBody,
  type Creator,
  IMAGE_STATES,
  type ImageOrigin,
  type ImageSource,
  type Integration,
  type UpdateImageSourceBody,
  ZERO_TIME,
} from '../records.ts'
import { type CycleStore, cycleTime, key, objectIdAt, tokenizeIdentifier } from '../store.ts'
import { describeJob, type JobDescriptor, pendingJobFor, startDeletionJob } from './jobs.ts'

export { type CycleStore, createCycleStore } from '../store.ts'

/** What `include=` may name on image sources. */
export const SOURCE_INCLUDES = ['creators', 'integrations'] as const
export type SourceInclude = (typeof SOURCE_INCLUDES)[number]

/** What `meta=` may name on image sources. */
export const SOURCE_METAS = ['images_count'] as const
export type SourceMeta = (typeof SOURCE_METAS)[number]

/** Keys `sort=` accepts, each with how to read it from a source (names compare case-insensitively). */
export const SORT_KEYS: Record<string, (s: ImageSource) => string> = {
  id: (s) => s.id,
  name: (s) => s.name.toLowerCase(),
  identifier: (s) => s.identifier,
  type: (s) => s.type,
  hub_id: (s) => s.hub_id,
  state: (s) => s.state.current,
  'state.current': (s) => s.state.current,
  'state.changed': (s) => s.state.changed,
  'events.created': (s) => s.events.created,
  'events.updated': (s) => s.events.updated,
  'events.deleted': (s) => s.events.deleted,
  'origin.type': (s) => s.origin.type,
}

/** One key of a `sort=` list. */
export interface SortKey {
  key: string
  descending: boolean
}

/** Everything getImageSources understands, already validated. */
export interface ListQuery {
  include: ReadonlySet<SourceInclude>
  meta: ReadonlySet<SourceMeta>
  filter: { identifier?: string; search?: string; state?: readonly string[] }
  sort: readonly SortKey[]
  page: { number: number; size: number }
}

/** A source as served: the stored record, plus `meta` when asked for. */
export type ServedSource = ImageSource & { meta?: { images_count: ImagesCount } }

/** Contract `ImageSourceMeta.images_count`. */
export interface ImagesCount {
  total: number
  state: Record<(typeof IMAGE_STATES)[number], number>
}

/** Contract `SourceIncludes`, filled only with what `include=` asked for. */
export interface SourceIncludes {
  creators?: Record<string, Record<string, unknown>>
  integrations?: Record<string, Integration>
  'integrations:identifiers'?: Record<string, string[]>
}

/** A list or single-source answer: `data` and, with `include=`, `includes`. */
export interface SourceDocument<Data> {
  data: Data
  includes?: SourceIncludes
}

/** The ID-ordered default: newest first, as ObjectIds carry their creation time. */
const DEFAULT_SORT: readonly SortKey[] = [{ key: 'id', descending: true }]

/**
 * Lists a hub's image sources: filtered, sorted, paged, with includes and meta.
 * @note Without `filter[state]`, deleted sources are left out, as the portal's lists do; name
 * `deleted` in `filter[state]` to see them.
 */
export function getImageSources(
  store: CycleStore,
  hubId: string,
  query: ListQuery,
): SourceDocument<ServedSource[]> {
  return document(store, sourcePage(store, hubId, query), query.include, query.meta)
}

/**
 * {@link getImageSources}' document as JSON text, byte for byte, each source's JSON built once per
 * stored record (`store.sourceJson`).
 */
export function getImageSourcesJson(store: CycleStore, hubId: string, query: ListQuery): string {
  const page = sourcePage(store, hubId, query)
  // `meta` counts images, which other records hold: such answers are serialized whole.
  if (query.meta.size > 0) return JSON.stringify(document(store, page, query.include, query.meta))
  const data = store.sourceJson.array(page)
  if (query.include.size === 0) return `{"data":${data}}`
  const { includes } = document(store, page, query.include, query.meta)
  return `{"data":${data},"includes":${JSON.stringify(includes)}}`
}

/** The page of the hub's sources a list query selects, as stored. */
function sourcePage(store: CycleStore, hubId: string, query: ListQuery): ImageSource[] {
  const { identifier, search, state } = query.filter
  const needle = search?.toLowerCase()
  const keys = query.sort.length > 0 ? query.sort : DEFAULT_SORT
  const inStates = sortedSources(store, hubId, keys, state)
  const matching =
    identifier === undefined && needle === undefined
      ? inStates
      : inStates.filter(
          (source) =>
            (identifier === undefined || source.identifier === identifier) &&
            (needle === undefined || searchTextOf(store, source).includes(needle)),
        )
  const start = (query.page.number - 1) * query.page.size
  return matching.slice(start, start + query.page.size)
}

/**
 * One image source of the hub, with includes and meta.
 * @note A deleted source stays readable with `state.current: deleted` and `events.deleted` set,
 * as the contract's state enum and events describe; an ID the hub never had is `404.image.source`.
 */
export function getImageSource(
  store: CycleStore,
  hubId: string,
  id: string,
  include: ReadonlySet<SourceInclude>,
  meta: ReadonlySet<SourceMeta>,
): SourceDocument<ServedSource> {
  const source = findSource(store, hubId, id)
  const { data, includes } = document(store, [source], include, meta)
  return { data: data[0] as ServedSource, ...(includes ? { includes } : {}) }
}

/**
 * Creates a live image source; the identifier is tokenized from the name when not given.
 * @note The mock accepts every contract origin, `cycle-source` included (whose description says it
 * is for stacks only), and does not check that `type` suits the origin.
 */
export async function createImageSource(
  store: CycleStore,
  hubId: string,
  creator: Creator,
  body: CreateImageSourceBody,
  clock: Clock,
  random: Random,
): Promise<ImageSource> {
  if (body.builder) requireIntegration(store, hubId, body.builder.integration_id, '/builder')
  requireExistingSource(store, hubId, body.origin)
  const now = clock.now()
  const at = cycleTime(now)
  const name = body.name ?? defaultName(body.origin)
  return store.sources.create({
    id: objectIdAt(now, random.hex(16)),
    identifier: body.identifier ?? tokenizeIdentifier(name),
    type: body.type,
    hub_id: hubId,
    name,
    about: { description: body.about?.description ?? null },
    origin: body.origin,
    builder: body.builder ?? null,
    creator,
    acl: body.acl ?? null,
    state: { current: 'live', changed: at },
    events: { created: at, updated: at, deleted: ZERO_TIME },
  })
}

/** Changes only the given fields and moves `events.updated`; a null identifier is re-tokenized. */
export async function updateImageSource(
  store: CycleStore,
  hubId: string,
  id: string,
  body: UpdateImageSourceBody,
  clock: Clock,
): Promise<ImageSource> {
  const source = requireLive(findSource(store, hubId, id), 'updated')
  const integration = body.builder?.integration_id
  if (integration) requireIntegration(store, hubId, integration, '/builder/integration_id')
  if (body.origin) requireExistingSource(store, hubId, body.origin)
  const updated = await store.sources.update((q) => q.where({ id: source.id }), {
    data(draft) {
      if (body.name !== undefined) draft.name = body.name
      if (body.identifier !== undefined)
        draft.identifier = body.identifier ?? tokenizeIdentifier(draft.name)
      if (body.origin !== undefined) draft.origin = body.origin
      if (body.builder !== undefined) draft.builder = body.builder
      if (body.about !== undefined) draft.about = { description: body.about.description }
      draft.events.updated = cycleTime(clock.now())
    },
  })
  return updated ?? source
}

/** Replaces the ACL (null removes it) and moves `events.updated`. */
export async function updateImageSourceAccess(
  store: CycleStore,
  hubId: string,
  id: string,
  acl: Acl | null,
  clock: Clock,
): Promise<ImageSource> {
  const source = requireLive(findSource(store, hubId, id), 'updated')
  const updated = await store.sources.update((q) => q.where({ id: source.id }), {
    data(draft) {
      draft.acl = acl
      draft.events.updated = cycleTime(clock.now())
    },
  })
  return updated ?? source
}

/**
 * Starts deleting a source: it turns `deleting` at once and `deleted` when its job completes.
 * A second delete while the job runs is `409.duplicate-found` (jobs limit duplicates); deleting a
 * deleted source is `403.invalid-state`.
 */
export async function deleteImageSource(
  store: CycleStore,
  hubId: string,
  id: string,
  creator: Creator,
  clock: Clock,
  random: Random,
  failAsync?: { rule: string },
): Promise<JobDescriptor> {
  const source = findSource(store, hubId, id)
  if (source.state.current === 'deleting') {
    const pending = pendingJobFor(store, source.id)
    throw new CycleError(
      409,
      '409.duplicate-found',
      'Duplicate job',
      `Image source '${source.id}' is already being deleted${pending ? ` by job '${pending.id}'` : ''}.`,
    )
  }
  requireLive(source, 'deleted')
  const fail =
    failAsync &&
    `Unable to delete image source '${source.name}': injected by fault rule "${failAsync.rule}".`
  const job = await startDeletionJob(store, source, creator, clock, random, fail)
  await store.sources.update((q) => q.where({ id: source.id }), {
    data(draft) {
      draft.state = { current: 'deleting', changed: cycleTime(clock.now()) }
    },
  })
  return describeJob(job)
}

/** The source by ID within the hub, or `404.image.source`. */
export function findSource(store: CycleStore, hubId: string, id: string): ImageSource {
  const source = store.sourceById.first(id)
  if (!source || source.hub_id !== hubId) throw CycleError.sourceNotFound(id)
  return source
}

/** The public form of an API key in `includes.creators.api_keys`: everything but the secret. */
export function publicApiKey(apiKey: ApiKey): Omit<ApiKey, 'secret'> {
  const { secret: _secret, ...rest } = apiKey
  return rest
}

function requireLive(source: ImageSource, verb: string): ImageSource {
  if (source.state.current !== 'live') {
    throw new CycleError(
      403,
      '403.invalid-state',
      'Invalid state',
      `Image source '${source.id}' is ${source.state.current} and cannot be ${verb}.`,
    )
  }
  return source
}

/** Builders reference an integration of the hub by ID or identifier (contract `HybridIdentifier`). */
function requireIntegration(store: CycleStore, hubId: string, ref: string, source: string): void {
  if (resolveIntegrations(store, hubId, ref).length === 0) {
    throw new CycleError(
      404,
      '404.hub.integration',
      'Integration not found',
      `No integration with ID or identifier '${ref.slice(0, 80)}' exists in this hub.`,
      source,
    )
  }
}

/** An origin that points at another source (`existing`, `cycle-source`) must name one in the hub. */
function requireExistingSource(store: CycleStore, hubId: string, origin: ImageOrigin): void {
  const details = 'details' in origin ? (origin.details as Record<string, unknown>) : {}
  const existing = details.existing as { source_id?: string } | null | undefined
  const ref =
    origin.type === 'cycle-source'
      ? { id: origin.details.source_id, pointer: '/origin/details/source_id' }
      : existing?.source_id
        ? { id: existing.source_id, pointer: '/origin/details/existing/source_id' }
        : undefined
  if (!ref) return
  const found = store.sourceById.first(ref.id)
  if (!found || found.hub_id !== hubId) {
    throw new CycleError(
      404,
      '404.image.source',
      'Image source not found',
      `The origin refers to image source '${ref.id}', which does not exist in this hub.`,
      ref.pointer,
    )
  }
}

function resolveIntegrations(store: CycleStore, hubId: string, ref: string): Integration[] {
  const byId = store.integrationById.first(ref)
  if (byId && byId.hub_id === hubId) return [byId]
  return store.integrationsByIdentifier.all(key(hubId, ref))
}

/** A name for a source created without one, from where its images come from. */
function defaultName(origin: ImageOrigin): string {
  switch (origin.type) {
    case 'docker-hub':
    case 'docker-registry':
    case 'oci-registry':
      return origin.details.target
    case 'docker-file': {
      const url = origin.details.repo?.url ?? origin.details.targz_url ?? ''
      const last = url
        .replace(/\.git$/, '')
        .split('/')
        .filter(Boolean)
        .pop()
      return last ?? 'Dockerfile'
    }
    case 'cycle-upload':
      return 'Cycle upload'
    case 'cycle-source':
      return 'Cycle source'
    default:
      return 'Image source'
  }
}

/** The lowercased search text of a source, built once per stored record. */
function searchTextOf(store: CycleStore, source: ImageSource): string {
  let text = store.searchText.get(source)
  if (text === undefined) {
    text = searchText(source)
    store.searchText.set(source, text)
  }
  return text
}

function searchText(source: ImageSource): string {
  const details =
    'details' in source.origin ? (source.origin.details as Record<string, unknown>) : {}
  const repo = details.repo as { url?: string } | null | undefined
  return [
    source.id,
    source.name,
    source.identifier,
    source.type,
    source.origin.type,
    details.target,
    details.url,
    repo?.url,
    source.about.description,
  ]
    .filter((part): part is string => typeof part === 'string')
    .join('\n')
    .toLowerCase()
}

const MAX_SORTED_CACHE = 32

/**
 * The hub's sources in these states (without `filter[state]`, all but deleted ones) and in this
 * order, filtered and sorted once per store version, states and order.
 */
function sortedSources(
  store: CycleStore,
  hubId: string,
  keys: readonly SortKey[],
  states: readonly string[] | undefined,
): ImageSource[] {
  const order = keys.map((k) => `${k.descending ? '-' : ''}${k.key}`).join(',')
  const chosen = states ? [...new Set(states)].sort().join(',') : ''
  const cacheKey = `${hubId}|${order}|${chosen}`
  const version = store.sourceChanges.version
  const cached = store.sortedSources.get(cacheKey)
  if (cached?.version === version) return cached.sources
  if (store.sortedSources.size >= MAX_SORTED_CACHE) store.sortedSources.clear()
  const sources = sortSources(
    store.sourcesByHub
      .all(hubId)
      .filter((s) => (states ? states.includes(s.state.current) : s.state.current !== 'deleted')),
    keys,
  )
  store.sortedSources.set(cacheKey, { version, sources })
  return sources
}

function sortSources(sources: ImageSource[], keys: readonly SortKey[]): ImageSource[] {
  const readers = keys.map(({ key, descending }) => ({
    read: SORT_KEYS[key] as (s: ImageSource) => string,
    sign: descending ? -1 : 1,
  }))
  // Array.prototype.sort is stable, so equal keys keep the hub's creation order.
  return [...sources].sort((a, b) => {
    for (const { read, sign } of readers) {
      const x = read(a)
      const y = read(b)
      if (x !== y) return x < y ? -sign : sign
    }
    return 0
  })
}

function document(
  store: CycleStore,
  sources: ImageSource[],
  include: ReadonlySet<SourceInclude>,
  meta: ReadonlySet<SourceMeta>,
): SourceDocument<ServedSource[]> {
  const data = meta.has('images_count')
    ? sources.map((source) => ({ ...source, meta: { images_count: imagesCount(store, source) } }))
    : sources
  if (include.size === 0) return { data }
  const includes: SourceIncludes = {}
  if (include.has('creators')) includes.creators = creatorsOf(store, sources)
  if (include.has('integrations')) {
    const { integrations, identifiers } = integrationsOf(store, sources)
    includes.integrations = integrations
    if (Object.keys(identifiers).length > 0) includes['integrations:identifiers'] = identifiers
  }
  return { data, includes }
}

function imagesCount(store: CycleStore, source: ImageSource): ImagesCount {
  const state = Object.fromEntries(IMAGE_STATES.map((s) => [s, 0])) as ImagesCount['state']
  const images = store.imagesBySource.all(source.id)
  for (const image of images) state[image.state] += 1
  return { total: images.length, state }
}

/** Creators keyed by ID under their kind (`accounts`, `api_keys`…), each once. */
function creatorsOf(
  store: CycleStore,
  sources: ImageSource[],
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  const put = (bucket: string, id: string, value: unknown) => {
    out[bucket] ??= {}
    ;(out[bucket] as Record<string, unknown>)[id] = value
  }
  for (const { creator } of sources) {
    if (creator.type === 'account' || creator.type === 'employee' || creator.type === 'visitor') {
      const account = store.accountById.first(creator.id)
      if (account) put(`${creator.type}s`, account.id, account)
    } else if (creator.type === 'api-key') {
      const apiKey = store.apiKeyById.first(creator.id)
      if (apiKey) put('api_keys', apiKey.id, publicApiKey(apiKey))
    }
  }
  return out
}

/** Builder integrations keyed by ID; those named by identifier are also listed under it. */
function integrationsOf(store: CycleStore, sources: ImageSource[]) {
  const integrations: Record<string, Integration> = {}
  const identifiers: Record<string, string[]> = {}
  for (const source of sources) {
    const ref = source.builder?.integration_id
    if (!ref) continue
    const found = resolveIntegrations(store, source.hub_id, ref)
    for (const integration of found) integrations[integration.id] = integration
    if (found.length > 0 && found[0]?.id !== ref) identifiers[ref] = found.map((i) => i.id)
  }
  return { integrations, identifiers }
}
