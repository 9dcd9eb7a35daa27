import { Collection } from '@msw/data'
import { indexBy } from '../../core/record-index.ts'
import { RecordJson } from '../../core/record-json.ts'
import {
  type AsyncSettings,
  accountSchema,
  asyncResultSchema,
  asyncSettingsSchema,
  databaseSchema,
  droppedContainerSchema,
  imageRepositorySchema,
  imageSchema,
  imageWire,
  repositoryWire,
  schemaSchema,
  tagAssignmentRecordSchema,
  tagAssignmentWire,
  tagDefinitionSchema,
  tokenSchema,
} from './records.ts'

/**
 * One session's Snowflake account: collections, plus hash indexes so lookups never scan and the
 * JSON of each stored record's wire shape, built once per record (core/record-json.ts).
 */
export function createSnowflakeStore() {
  const collections = {
    accounts: new Collection({ schema: accountSchema }),
    databases: new Collection({ schema: databaseSchema }),
    schemas: new Collection({ schema: schemaSchema }),
    /** Dropped databases and schemas within (or past) their Time Travel retention. */
    dropped: new Collection({ schema: droppedContainerSchema }),
    tagDefinitions: new Collection({ schema: tagDefinitionSchema }),
    repositories: new Collection({ schema: imageRepositorySchema }),
    images: new Collection({ schema: imageSchema }),
    tagAssignments: new Collection({ schema: tagAssignmentRecordSchema }),
    results: new Collection({ schema: asyncResultSchema }),
    /** At most one record: when async results are ready (the defaults when there is none). */
    asyncSettings: new Collection({ schema: asyncSettingsSchema }),
    tokens: new Collection({ schema: tokenSchema }),
  }
  return {
    ...collections,
    databaseByName: indexBy(collections.databases, (d) => d.name),
    schemaByKey: indexBy(collections.schemas, (s) => key(s.database, s.name)),
    schemasByDatabase: indexBy(collections.schemas, (s) => s.database),
    tagDefinitionsBySchema: indexBy(collections.tagDefinitions, (t) => key(t.database, t.schema)),
    droppedByKey: indexBy(collections.dropped, (d) => key(d.kind, d.database, d.name)),
    droppedByParent: indexBy(collections.dropped, (d) =>
      key(d.kind, d.kind === 'SCHEMA' ? d.database : ''),
    ),
    repositoryByKey: indexBy(collections.repositories, (r) =>
      key(r.database_name, r.schema_name, r.name),
    ),
    repositoriesBySchema: indexBy(collections.repositories, (r) =>
      key(r.database_name, r.schema_name),
    ),
    repositoryByUrl: indexBy(collections.repositories, (r) => r.repository_url),
    imagesByRepository: indexBy(collections.images, (i) =>
      key(i.database_name, i.schema_name, i.repository_name),
    ),
    tagsByRepository: indexBy(collections.tagAssignments, (t) =>
      key(t.database_name, t.schema_name, t.repository_name),
    ),
    tagAssignmentsByTagSchema: indexBy(collections.tagAssignments, (t) =>
      key(t.tag_database, t.tag_schema),
    ),
    tokenByValue: indexBy(collections.tokens, (t) => t.token),
    resultByHandle: indexBy(collections.results, (r) => r.handle),
    repositoryJson: new RecordJson(repositoryWire),
    imageJson: new RecordJson(imageWire),
    tagAssignmentJson: new RecordJson(tagAssignmentWire),
  }
}

/** Identifiers cannot contain NUL, so it separates key parts safely. */
export function key(...parts: string[]): string {
  return parts.join('\u0000')
}

export type SnowflakeStore = ReturnType<typeof createSnowflakeStore>

/** Today's timing: ready 1,500 ms of session time after the request, polls aside. */
export const DEFAULT_ASYNC_SETTINGS: AsyncSettings = { ready_ms: 1500, ready_polls: null }

/** The async settings of the store, or the defaults when the scenario set none. */
export function asyncSettings(store: SnowflakeStore): AsyncSettings {
  return store.asyncSettings.all()[0] ?? DEFAULT_ASYNC_SETTINGS
}
