import { createClock } from '../../core/clock.ts'
import type { ProxyAdapter, RecordedAnswer } from '../../core/proxy/types.ts'
import { upsertRecord } from '../../core/proxy/upsert.ts'
import { resolveIdentifier } from './identifiers.ts'
import type { SnowflakeOperationId } from './index.ts'
import { createDatabase, createSchema } from './model/containers.ts'
import type { Image, ImageRepository, TagAssignmentRecord } from './records.ts'
import type { SnowflakeStore } from './store.ts'

const key = (...parts: string[]) => parts.join('\u0000')

/** The database and schema of the request path, resolved as the model stores them. */
function schemaOf(answer: RecordedAnswer): { database: string; schema: string } {
  return {
    database: resolveIdentifier(answer.params.database ?? ''),
    schema: resolveIdentifier(answer.params.schema ?? ''),
  }
}

/**
 * Makes sure the database and schema exist, so the recorded reads find them. They get the
 * defaults a create without a body gives, dated at the clock's fixed start (the traffic did not
 * show them).
 */
async function ensureSchema(store: SnowflakeStore, database: string, schema: string) {
  const clock = createClock({ stepMs: 0 })
  await createDatabase(store, database, { name: database }, undefined, 'ifNotExists', clock)
  await createSchema(store, database, schema, { name: schema }, undefined, 'ifNotExists', clock)
}

/** The inverse of `repositoryWire` (records.ts): names back to their resolved (stored) form. */
function repositoryRecord(wire: ImageRepository): ImageRepository {
  return {
    name: resolveIdentifier(wire.name),
    database_name: resolveIdentifier(wire.database_name),
    schema_name: resolveIdentifier(wire.schema_name),
    created_on: wire.created_on,
    repository_url: wire.repository_url,
    owner: wire.owner,
    owner_role_type: wire.owner_role_type,
  }
}

async function putRepository(store: SnowflakeStore, wire: ImageRepository): Promise<void> {
  const record = repositoryRecord(wire)
  await ensureSchema(store, record.database_name, record.schema_name)
  const existing = store.repositoryByKey.first(
    key(record.database_name, record.schema_name, record.name),
  )
  await upsertRecord(store.repositories, existing, record)
}

function dropRepository(store: SnowflakeStore, database: string, schema: string, name: string) {
  const at = key(database, schema, name)
  for (const r of store.repositoryByKey.all(at)) store.repositories.delete(r)
  for (const i of store.imagesByRepository.all(at)) store.images.delete(i)
  for (const t of store.tagsByRepository.all(at)) store.tagAssignments.delete(t)
}

/**
 * Snowflake's answers back into its store: repositories from lists and fetches (a list names
 * every repository of its schema, so with no `like` filter the ones it leaves out are gone),
 * images from `listImagesInRepository`, tags from `getTags`, drops from `deleteImageRepository`.
 * @note A create answers only `{status}`: the repository is recorded by the list or fetch that
 * follows, with the `created_on` and `repository_url` Snowflake gave it. Async (`202`) answers
 * and `fetchResult` are not recorded.
 */
async function ingestSnowflake(store: SnowflakeStore, answer: RecordedAnswer): Promise<void> {
  if (answer.status !== 200) return
  const body = answer.body
  const operation = answer.operation as SnowflakeOperationId
  switch (operation) {
    case 'listImageRepositories': {
      if (!Array.isArray(body)) return
      const { database, schema } = schemaOf(answer)
      await ensureSchema(store, database, schema)
      if (!answer.url.searchParams.has('like')) {
        const listed = new Set(body.map((r: ImageRepository) => resolveIdentifier(r.name)))
        for (const r of store.repositoriesBySchema.all(key(database, schema))) {
          if (!listed.has(r.name)) dropRepository(store, database, schema, r.name)
        }
      }
      for (const wire of body as ImageRepository[]) await putRepository(store, wire)
      return
    }
    case 'fetchImageRepository':
      if (body && typeof body === 'object') await putRepository(store, body as ImageRepository)
      return
    case 'deleteImageRepository': {
      const { database, schema } = schemaOf(answer)
      dropRepository(store, database, schema, resolveIdentifier(answer.params.name ?? ''))
      return
    }
    case 'listImagesInRepository': {
      if (!Array.isArray(body)) return
      const { database, schema } = schemaOf(answer)
      const repository = resolveIdentifier(answer.params.name ?? '')
      for (const i of store.imagesByRepository.all(key(database, schema, repository))) {
        store.images.delete(i)
      }
      for (const wire of body as Array<Omit<Image, 'database_name' | 'schema_name'>>) {
        await store.images.create({
          database_name: database,
          schema_name: schema,
          repository_name: repository,
          created_on: wire.created_on,
          image_name: wire.image_name,
          tags: wire.tags,
          digest: wire.digest,
          image_path: wire.image_path,
        })
      }
      return
    }
    case 'getTags': {
      if (!Array.isArray(body)) return
      const { database, schema } = schemaOf(answer)
      const repository = resolveIdentifier(answer.params.name ?? '')
      for (const t of store.tagsByRepository.all(key(database, schema, repository))) {
        store.tagAssignments.delete(t)
      }
      for (const wire of body as TagAssignmentRecord[]) {
        await store.tagAssignments.create({
          database_name: database,
          schema_name: schema,
          repository_name: repository,
          tag_database: wire.tag_database,
          tag_schema: wire.tag_schema,
          tag_name: wire.tag_name,
          tag_value: wire.tag_value,
        })
      }
      return
    }
    // A create or set answers only `{status}`: the list or fetch that follows records the result.
    case 'createImageRepository':
    case 'setTags':
    case 'unsetTags':
    // An async answer's outcome is the upstream's to give.
    case 'fetchResult':
    // Databases and schemas are recorded as the repositories under them need them.
    case 'listDatabases':
    case 'createDatabase':
    case 'fetchDatabase':
    case 'deleteDatabase':
    case 'undropDatabase':
    case 'listSchemas':
    case 'createSchema':
    case 'fetchSchema':
    case 'deleteSchema':
    case 'undropSchema':
      return
    default:
      // Every operation has a case: one added without is a compile error here.
      operation satisfies never
  }
}

/** Snowflake in proxy mode: recording only (no streams, standard schemas, no re-signing). */
export const snowflakeProxy: ProxyAdapter<SnowflakeStore> = { ingest: ingestSnowflake }
