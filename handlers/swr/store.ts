import { Collection } from '@msw/data'
import { ChangeCounter, indexBy } from '../../core/record-index.ts'
import { RecordJson } from '../../core/record-json.ts'
import {
  accessKeySchema,
  accountSchema,
  type SharedRepository,
  sharedRepositorySchema,
  sharedRepositoryWire,
} from './records.ts'

/** One session's SWR account: the tenant, its access keys and the repositories shared either way. */
export function createSwrStore() {
  const collections = {
    accounts: new Collection({ schema: accountSchema }),
    accessKeys: new Collection({ schema: accessKeySchema }),
    sharedRepositories: new Collection({ schema: sharedRepositorySchema }),
  }
  return {
    ...collections,
    // Narrow the candidates before filtering, so a name or namespace query does not scan.
    repositoriesByName: indexBy(collections.sharedRepositories, (r) => r.name),
    repositoriesByNamespace: indexBy(collections.sharedRepositories, (r) => r.namespace),
    /** Bumps on every repository write; the sorted listings below are valid for one version. */
    repositoryChanges: new ChangeCounter(collections.sharedRepositories),
    /** A center's repositories in one order, by `domain|center|column|type`. */
    sortedRepositories: new Map<
      string,
      { version: number; repositories: readonly SharedRepository[] }
    >(),
    /** Each stored repository's wire JSON, built once per record (core/record-json.ts). */
    repositoryJson: new RecordJson(sharedRepositoryWire),
  }
}

export type SwrStore = ReturnType<typeof createSwrStore>
