import { Collection } from '@msw/data'
import { ChangeCounter, indexBy } from '../../core/record-index.ts'
import { RecordJson } from '../../core/record-json.ts'
import {
  accountSchema,
  apiKeySchema,
  hubSchema,
  type ImageSource,
  imageSchema,
  imageSourceSchema,
  integrationSchema,
  type JobSettings,
  jobSchema,
  jobSettingsSchema,
} from './records.ts'

/** How jobs move when a scenario says nothing: a stage per poll, or per 2 s on the session clock. */
export const DEFAULT_JOB_SETTINGS: JobSettings = { stage_ms: 2000, stage_polls: 1 }

/**
 * A fresh Cycle store: collections for hubs, accounts, API keys, integrations, image sources,
 * their images, jobs and job settings, plus hash indexes derived from them (never exported).
 */
export function createCycleStore() {
  const collections = {
    hubs: new Collection({ schema: hubSchema }),
    accounts: new Collection({ schema: accountSchema }),
    apiKeys: new Collection({ schema: apiKeySchema }),
    integrations: new Collection({ schema: integrationSchema }),
    sources: new Collection({ schema: imageSourceSchema }),
    images: new Collection({ schema: imageSchema }),
    jobs: new Collection({ schema: jobSchema }),
    jobSettings: new Collection({ schema: jobSettingsSchema }),
  }
  return {
    ...collections,
    hubById: indexBy(collections.hubs, (h) => h.id),
    accountById: indexBy(collections.accounts, (a) => a.id),
    apiKeyBySecret: indexBy(collections.apiKeys, (k) => k.secret),
    apiKeyById: indexBy(collections.apiKeys, (k) => k.id),
    integrationById: indexBy(collections.integrations, (i) => i.id),
    integrationsByIdentifier: indexBy(collections.integrations, (i) => key(i.hub_id, i.identifier)),
    sourceById: indexBy(collections.sources, (s) => s.id),
    sourcesByHub: indexBy(collections.sources, (s) => s.hub_id),
    imagesBySource: indexBy(collections.images, (i) => i.source_id),
    jobById: indexBy(collections.jobs, (j) => j.id),
    /** Bumps on every source write; sorted listings below are valid for one version. */
    sourceChanges: new ChangeCounter(collections.sources),
    /**
     * A hub's sources in one state filter and order, by `hub|sort|states`: filtering and sorting
     * 100,000 per request would dominate.
     */
    sortedSources: new Map<string, { version: number; sources: ImageSource[] }>(),
    /** `filter[search]` text per stored record; an update stores a new record, so it never goes stale. */
    searchText: new WeakMap<ImageSource, string>(),
    /** Each stored source's JSON (served as stored), built once per record (core/record-json.ts). */
    sourceJson: new RecordJson((source: ImageSource) => source),
  }
}

/** The Cycle store of one session. */
export type CycleStore = ReturnType<typeof createCycleStore>

/** Joins key parts; IDs and identifiers never contain NUL. */
export function key(...parts: string[]): string {
  return parts.join('\u0000')
}

/**
 * A Cycle timestamp: RFC 3339 in UTC with trailing fractional zeros dropped, as Go's `time.Time`
 * marshals it (`2026-03-02T09:00:00Z`, `2026-03-02T09:00:00.5Z`).
 */
export function cycleTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z')
}

/**
 * An ObjectId-shaped ID: 8 hex digits of the creation time in seconds, then 16 random hex digits,
 * so IDs sort by creation time as Cycle's do.
 */
export function objectIdAt(ms: number, randomHex16: string): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  return seconds.toString(16).padStart(8, '0').slice(-8) + randomHex16
}

/**
 * Tokenizes a name into an identifier as the platform does when none is given: "My Container"
 * becomes `my-container`.
 */
export function tokenizeIdentifier(name: string): string {
  const token = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return token === '' ? 'image-source' : token
}

/** The job settings of the store, or the defaults when the scenario set none. */
export function jobSettings(store: CycleStore): JobSettings {
  return store.jobSettings.all()[0] ?? DEFAULT_JOB_SETTINGS
}
