import type { ProxyAdapter, RecordedAnswer } from '../../core/proxy/types.ts'
import { upsertRecord } from '../../core/proxy/upsert.ts'
import type { CycleOperationId } from './index.ts'
import {
  type Account,
  type ApiKey,
  IMAGE_STATES,
  type ImageSource,
  type Integration,
} from './records.ts'
import type { CycleStore } from './store.ts'

type WireSource = ImageSource & { meta?: { images_count?: { state?: Record<string, number> } } }

interface WireDocument {
  data?: unknown
  includes?: {
    creators?: Record<string, Record<string, unknown>>
    integrations?: Record<string, Integration>
  }
}

/** The hub a request acted in; recorded so the recording answers requests naming it. */
async function ensureHub(store: CycleStore, answer: RecordedAnswer, fallback?: string) {
  const id = answer.request.headers.get('x-hub-id')?.trim() || fallback
  if (!id || !/^[0-9a-f]{24}$/.test(id) || store.hubById.first(id)) return
  // The hub's own record is not part of these answers: its owner stands in for unknown callers.
  await store.hubs.create({
    id,
    name: 'Recorded hub',
    identifier: 'recorded-hub',
    owner_account_id: id,
  })
}

/** The inverse of the served source: the record without `meta`. */
function sourceRecord(wire: WireSource): ImageSource {
  const { meta: _meta, ...record } = wire
  return record
}

/**
 * `meta.images_count` back into image records: one per counted state, with ids derived from the
 * source's, so the recording counts the same.
 */
async function putImageCounts(store: CycleStore, wire: WireSource): Promise<void> {
  const counts = wire.meta?.images_count?.state
  if (!counts) return
  for (const image of store.imagesBySource.all(wire.id)) store.images.delete(image)
  let n = 0
  for (const state of IMAGE_STATES) {
    for (let i = 0; i < (counts[state] ?? 0); i++) {
      const id = `${wire.id.slice(0, 16)}${(n++).toString(16).padStart(8, '0')}`
      await store.images.create({ id, hub_id: wire.hub_id, source_id: wire.id, state })
    }
  }
}

async function putSource(store: CycleStore, answer: RecordedAnswer, wire: WireSource) {
  await ensureHub(store, answer, wire.hub_id)
  await upsertRecord(store.sources, store.sourceById.first(wire.id), sourceRecord(wire))
  await putImageCounts(store, wire)
}

/** Creators and integrations of `include=`, so the recording can include them too. */
async function putIncludes(store: CycleStore, includes: WireDocument['includes']) {
  for (const [bucket, byId] of Object.entries(includes?.creators ?? {})) {
    for (const value of Object.values(byId)) {
      if (bucket === 'api_keys') {
        const key = value as Omit<ApiKey, 'secret'>
        // The secret is never served; a placeholder keeps the record valid and unusable.
        const record = { ...key, secret: `<redacted:${key.id}>` } as ApiKey
        await upsertRecord(store.apiKeys, store.apiKeyById.first(key.id), record)
      } else if (bucket === 'accounts' || bucket === 'employees' || bucket === 'visitors') {
        const account = value as Account
        await upsertRecord(store.accounts, store.accountById.first(account.id), account)
      }
    }
  }
  for (const integration of Object.values(includes?.integrations ?? {})) {
    await upsertRecord(store.integrations, store.integrationById.first(integration.id), integration)
  }
}

/**
 * Cycle's answers back into the store: sources from lists, fetches, creates and updates (with
 * `meta.images_count` as image records and `include=` creators and integrations), and a deleted
 * source removed until a later read shows it again (as `deleting` or `deleted`). Jobs are not
 * recorded: their progress is the mock's own bookkeeping.
 */
async function ingestCycle(store: CycleStore, answer: RecordedAnswer): Promise<void> {
  const document = answer.body as WireDocument | undefined
  const operation = answer.operation as CycleOperationId
  switch (operation) {
    case 'getImageSources':
      if (!Array.isArray(document?.data)) return
      await putIncludes(store, document.includes)
      for (const wire of document.data as WireSource[]) await putSource(store, answer, wire)
      return
    case 'getImageSource':
    case 'createImageSource':
    case 'updateImageSource':
    case 'updateImageSourceAccess':
      if (!document?.data || typeof document.data !== 'object') return
      await putIncludes(store, document.includes)
      await putSource(store, answer, document.data as WireSource)
      return
    case 'deleteImageSource': {
      const source = store.sourceById.first(answer.params.sourceId ?? '')
      if (source) store.sources.delete(source)
      return
    }
    // Jobs are the mock's own bookkeeping (see above).
    case 'getJob':
      return
    default:
      // Every operation has a case: one added without is a compile error here.
      operation satisfies never
  }
}

/** Cycle in proxy mode: recording only. */
export const cycleProxy: ProxyAdapter<CycleStore> = { ingest: ingestCycle }
