import { type Clock, instantAfter } from '../../../core/clock.ts'
import type { Random } from '../../../core/random.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from '../errors.ts'
import { compileLike, displayIdentifier } from '../identifiers.ts'
import type { CreateMode, Image, ImageRepository, TagAssignmentRecord } from '../records.ts'
import { asyncSettings, key, type SnowflakeStore } from '../store.ts'

/** Where a repository lives, with names already resolved. */
export interface SchemaRef {
  database: string
  schema: string
}

/** Throws Snowflake's 404 unless the database and schema exist. */
export function requireSchema(store: SnowflakeStore, ref: SchemaRef): void {
  if (!store.databaseByName.first(ref.database)) {
    throw SnowflakeError.notFound('Database', displayIdentifier(ref.database))
  }
  if (!store.schemaByKey.first(key(ref.database, ref.schema))) {
    throw SnowflakeError.notFound(
      'Schema',
      `${displayIdentifier(ref.database)}.${displayIdentifier(ref.schema)}`,
    )
  }
}

/** Repositories of a schema, optionally filtered by a LIKE pattern, in name order (as SHOW does). */
export function listImageRepositories(
  store: SnowflakeStore,
  ref: SchemaRef,
  like?: string,
): ImageRepository[] {
  requireSchema(store, ref)
  const pattern = like === undefined ? undefined : compileLike(like)
  const inSchema = store.repositoriesBySchema.all(key(ref.database, ref.schema))
  return (pattern ? inSchema.filter((r) => pattern.test(r.name)) : inSchema).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
}

function findRepository(store: SnowflakeStore, ref: SchemaRef, name: string) {
  return store.repositoryByKey.first(key(ref.database, ref.schema, name))
}

/** One repository, or Snowflake's 404. */
export function fetchImageRepository(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
): ImageRepository {
  requireSchema(store, ref)
  const repository = findRepository(store, ref, name)
  if (!repository) throw repositoryNotFound(ref, name)
  return repository
}

/** The registry URL of a repository: `<org>-<account>.registry.snowflakecomputing.com/db/schema/repo`. */
export function repositoryUrl(store: SnowflakeStore, ref: SchemaRef, name: string): string {
  const account = store.accounts.all()[0]
  // Hostnames cannot hold `_`: Snowflake writes account names with `-` in URLs.
  const host = account
    ? `${account.organization}-${account.account}`.toLowerCase().replaceAll('_', '-')
    : 'myorg-myaccount'
  return `${host}.registry.snowflakecomputing.com/${ref.database}/${ref.schema}/${name}`.toLowerCase()
}

/** Snowflake's timestamp form: ISO-8601 with an explicit offset. */
export function snowflakeTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00')
}

/** CREATE [OR REPLACE] IMAGE REPOSITORY [IF NOT EXISTS]; returns the status message. */
export async function createImageRepository(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
  mode: CreateMode,
  clock: Clock,
): Promise<string> {
  requireSchema(store, ref)
  requireUnquoted(ref, name)
  const existing = findRepository(store, ref, name)
  const shown = displayIdentifier(name)
  if (existing && mode === 'errorIfExists') {
    throw new SnowflakeError(
      409,
      SNOWFLAKE_CODES.alreadyExists,
      `SQL compilation error:\nObject '${shown}' already exists.`,
    )
  }
  if (existing && mode === 'ifNotExists') return `${shown} already exists, statement succeeded.`
  const url = repositoryUrl(store, ref, name)
  const holder = store.repositoryByUrl.first(url)
  if (
    holder &&
    (holder.database_name !== ref.database ||
      holder.schema_name !== ref.schema ||
      holder.name !== name)
  ) {
    // Unreachable through the API (names are unquoted, so the URL determines the key), but state
    // imported through the control API may hold any names: never hand out a URL twice.
    throw new SnowflakeError(
      409,
      SNOWFLAKE_CODES.alreadyExists,
      `SQL compilation error:\nRepository URL '${url}' already belongs to image repository ${displayIdentifier(holder.database_name)}.${displayIdentifier(holder.schema_name)}.${displayIdentifier(holder.name)}.`,
    )
  }
  if (existing) dropRepository(store, ref, name)
  const owner = store.accounts.all()[0]?.defaultRole ?? 'ACCOUNTADMIN'
  await store.repositories.create({
    name,
    database_name: ref.database,
    schema_name: ref.schema,
    created_on: snowflakeTimestamp(clock.now()),
    repository_url: url,
    owner,
    owner_role_type: 'ROLE',
  })
  return `Image Repository ${shown} successfully created.`
}

/**
 * Snowflake supports image repositories only under unquoted names, and only in databases and
 * schemas with unquoted names: the repository URL lower-cases all three, so a case-sensitive or
 * special-character name would not survive it (and `my_repo` and `"my_repo"` would share one URL).
 * A quoted name that reads the same unquoted (`"MY_REPO"`) is the same identifier and is fine.
 * @note Snowflake documents the restriction (CREATE IMAGE REPOSITORY, "Quoted names for special
 * characters or case-sensitive names are not supported") but publishes no error text or code for
 * it; this is a 400 with the mock's request-error code, naming the offending identifier.
 */
function requireUnquoted(ref: SchemaRef, name: string): void {
  const parts: Array<[string, string]> = [
    ['image repository name', name],
    ['database name', ref.database],
    ['schema name', ref.schema],
  ]
  for (const [what, resolved] of parts) {
    if (displayIdentifier(resolved) === resolved) continue
    throw SnowflakeError.badRequest(
      `SQL compilation error:\nImage repositories do not support the quoted ${what} ${displayIdentifier(resolved)}: quoted names with special characters or case-sensitive names are not supported for image repositories or the databases and schemas that hold them, because the repository URL lower-cases them. Use an unquoted identifier (letters, digits, _ and $).`,
    )
  }
}

/** DROP IMAGE REPOSITORY [IF EXISTS]; returns the status message. */
export function deleteImageRepository(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
  ifExists: boolean,
): string {
  requireSchema(store, ref)
  const shown = displayIdentifier(name)
  if (!findRepository(store, ref, name)) {
    if (ifExists) return `Drop statement executed successfully (${shown} already dropped).`
    throw repositoryNotFound(ref, name)
  }
  dropRepository(store, ref, name)
  return `${shown} successfully dropped.`
}

/** Images in a repository, newest first. */
export function listImagesInRepository(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
): Image[] {
  fetchImageRepository(store, ref, name)
  return store.imagesByRepository
    .all(key(ref.database, ref.schema, name))
    .sort((a, b) => (a.created_on < b.created_on ? 1 : a.created_on > b.created_on ? -1 : 0))
}

/** A tag to assign, with database and schema defaulted to the repository's. */
export interface TagChange {
  tag_database?: string
  tag_schema?: string
  tag_name: string
  tag_value?: string
}

/** ALTER IMAGE REPOSITORY … SET TAG; all-or-nothing. */
export async function setTags(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
  tags: TagChange[],
  ifExists: boolean,
): Promise<string> {
  requireSchema(store, ref)
  if (!findRepository(store, ref, name)) {
    if (ifExists) return 'Statement executed successfully.'
    throw repositoryNotFound(ref, name)
  }
  const resolved = tags.map((tag) => {
    const definition = requireTag(store, ref, tag)
    const value = tag.tag_value ?? ''
    if (definition.allowedValues && !definition.allowedValues.includes(value)) {
      throw SnowflakeError.badRequest(
        `SQL compilation error:\nTag value '${value}' is not allowed for tag ${definition.database}.${definition.schema}.${definition.name}; allowed values: ${definition.allowedValues.join(', ')}.`,
      )
    }
    return { definition, value }
  })
  for (const { definition, value } of resolved) {
    await replaceAssignment(store, ref, name, definition, value)
  }
  return 'Statement executed successfully.'
}

/** ALTER IMAGE REPOSITORY … UNSET TAG; unsetting a tag that is not set is not an error. */
export function unsetTags(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
  tags: TagChange[],
  ifExists: boolean,
): string {
  requireSchema(store, ref)
  if (!findRepository(store, ref, name)) {
    if (ifExists) return 'Statement executed successfully.'
    throw repositoryNotFound(ref, name)
  }
  const definitions = tags.map((tag) => requireTag(store, ref, tag))
  for (const definition of definitions) removeAssignment(store, ref, name, definition)
  return 'Statement executed successfully.'
}

/** Tags set on a repository, in the order they were set. */
export function getTags(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
): TagAssignmentRecord[] {
  fetchImageRepository(store, ref, name)
  return store.tagsByRepository.all(key(ref.database, ref.schema, name))
}

/**
 * Stores a finished async outcome; fetchResult serves it once ready (see {@link fetchResult}).
 */
export async function storeAsyncResult(
  store: SnowflakeStore,
  outcome: { status: number; json: string },
  clock: Clock,
  random: Random,
): Promise<string> {
  const handle = uuidFrom(random)
  await store.results.create({
    handle,
    readyAt: instantAfter(clock.now(), asyncSettings(store).ready_ms),
    status: outcome.status,
    body: outcome.json,
    polls: 0,
  })
  return handle
}

/**
 * A result by handle, counting this poll: pending, or its stored outcome. Ready once the session
 * clock reaches `ready_ms` after the request or at the `ready_polls`-th poll, whichever comes
 * first (store.asyncSettings; 1,500 ms and no poll count by default).
 * @note Snowflake finishes an async statement when its work is done; the mock's timing is a
 * setting so that tests of polling clients can choose it.
 */
export async function fetchResult(
  store: SnowflakeStore,
  handle: string,
  clock: Clock,
): Promise<{ pending: true } | { pending: false; status: number; body: unknown }> {
  const result = store.resultByHandle.first(handle)
  if (!result) {
    throw new SnowflakeError(
      404,
      SNOWFLAKE_CODES.doesNotExist,
      `Result handle '${handle}' does not exist or has expired.`,
    )
  }
  const polls = (result.polls ?? 0) + 1
  await store.results.update((q) => q.where({ handle }), {
    data(draft) {
      draft.polls = polls
    },
  })
  const { ready_polls } = asyncSettings(store)
  const byPolls = ready_polls !== null && polls >= ready_polls
  if (clock.now() < result.readyAt && !byPolls) return { pending: true }
  return { pending: false, status: result.status, body: JSON.parse(result.body) }
}

/** A UUID-shaped string from the session's stream (request ids, result handles). */
export function uuidFrom(random: Random): string {
  const h = random.hex(32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

function requireTag(store: SnowflakeStore, ref: SchemaRef, tag: TagChange) {
  const database = tag.tag_database ?? ref.database
  const schema = tag.tag_schema ?? ref.schema
  const definition = store.tagDefinitions.findFirst((q) =>
    q.where({ database, schema, name: tag.tag_name }),
  )
  if (!definition) throw SnowflakeError.notFound('Tag', `${database}.${schema}.${tag.tag_name}`)
  return definition
}

type TagObject = { database: string; schema: string; name: string }

function removeAssignment(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
  tag: TagObject,
): void {
  for (const assigned of store.tagsByRepository.all(key(ref.database, ref.schema, name))) {
    if (
      assigned.tag_database === tag.database &&
      assigned.tag_schema === tag.schema &&
      assigned.tag_name === tag.name
    ) {
      store.tagAssignments.delete(assigned)
    }
  }
}

async function replaceAssignment(
  store: SnowflakeStore,
  ref: SchemaRef,
  name: string,
  tag: TagObject,
  value: string,
): Promise<void> {
  removeAssignment(store, ref, name, tag)
  await store.tagAssignments.create({
    database_name: ref.database,
    schema_name: ref.schema,
    repository_name: name,
    tag_database: tag.database,
    tag_schema: tag.schema,
    tag_name: tag.name,
    tag_value: value,
  })
}

function dropRepository(store: SnowflakeStore, ref: SchemaRef, name: string): void {
  // Delete through the indexes: deleteMany() would scan every record of each collection.
  const repoKey = key(ref.database, ref.schema, name)
  for (const repository of store.repositoryByKey.all(repoKey)) store.repositories.delete(repository)
  for (const image of store.imagesByRepository.all(repoKey)) store.images.delete(image)
  for (const tag of store.tagsByRepository.all(repoKey)) store.tagAssignments.delete(tag)
}

function repositoryNotFound(ref: SchemaRef, name: string): SnowflakeError {
  return SnowflakeError.notFound(
    'Image Repository',
    `${displayIdentifier(ref.database)}.${displayIdentifier(ref.schema)}.${displayIdentifier(name)}`,
  )
}
