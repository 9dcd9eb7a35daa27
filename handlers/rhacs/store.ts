import { Collection } from '@msw/data'
import { CachedProjection, ChangeCounter, indexBy } from '../../core/record-index.ts'
import type { ImageStats } from './encoding.ts'
import {
  type CveRecord,
  clusterSchema,
  credentialSchema,
  cveRecordSchema,
  type ImageRecord,
  imageRecordSchema,
  integrationSchema,
  watchedImageSchema,
} from './records.ts'

/** One session's Central: images, the CVE feed, watched images, clusters, integrations, credentials. */
export function createRhacsStore() {
  const collections = {
    images: new Collection({ schema: imageRecordSchema }),
    cves: new Collection({ schema: cveRecordSchema }),
    watchedImages: new Collection({ schema: watchedImageSchema }),
    clusters: new Collection({ schema: clusterSchema }),
    integrations: new Collection({ schema: integrationSchema }),
    credentials: new Collection({ schema: credentialSchema }),
  }
  const changes = new ChangeCounter(collections.images, collections.cves)
  return {
    ...collections,
    imageById: indexBy(collections.images, (image) => image.id),
    /** What every read derives from images and CVEs, kept until either changes (never exported). */
    derived: new CachedProjection(changes, () => deriveImageData(collections.cves.all())),
  }
}

/** Per-store derived data: the CVE feed by id, per-image stats, risk ranks. */
export interface DerivedImageData {
  cves: Map<string, CveRecord>
  stats: WeakMap<ImageRecord, ImageStats | null>
  ranks: Map<string, number> | undefined
}

function deriveImageData(cves: readonly CveRecord[]): DerivedImageData {
  return { cves: new Map(cves.map((c) => [c.cve, c])), stats: new WeakMap(), ranks: undefined }
}

export type RhacsStore = ReturnType<typeof createRhacsStore>
