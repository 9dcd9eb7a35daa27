import type { z } from 'zod'
import type { Clock } from '../../../core/clock.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from '../errors.ts'
import { compileLike, displayIdentifier } from '../identifiers.ts'
import type {
  CreateDatabaseBody,
  CreateMode,
  CreateSchemaBody,
  DatabaseWire,
  DroppedContainer,
  Image,
  ImageRepository,
  SchemaWire,
  StoredDatabase,
  StoredSchema,
  TagAssignmentRecord,
  tagDefinitionSchema,
} from '../records.ts'
import { DEFAULT_PARAMETERS } from '../records.ts'
import { key, type SnowflakeStore } from '../store.ts'
import { requireSchema, snowflakeTimestamp } from './image-repositories.ts'

/*
 * Databases and schemas: SHOW-style listing, CREATE / DROP / UNDROP with Snowflake's cascade and
 * Time Travel. A drop removes the container and everything in it (schemas, tag objects, image
 * repositories with their images and tag assignments) and keeps exactly that, as JSON, in
 * `store.dropped`; UNDROP restores it while the retention period lasts.
 */

const DAY_MS = 86_400_000
const PUBLIC_SCHEMA = 'PUBLIC'

type TagDefinition = z.infer<typeof tagDefinitionSchema>
/** A stored tombstone (with the store's record keys, so it can be deleted). */
type DroppedRecord = NonNullable<ReturnType<SnowflakeStore['droppedByKey']['first']>>

/** Parameters a database carries unless its definition sets them: Snowflake's account defaults. */
type Parameters = typeof DEFAULT_PARAMETERS
const PARAMETER_NAMES = Object.keys(DEFAULT_PARAMETERS) as Array<keyof Parameters>

/** The SHOW filters of listDatabases and listSchemas. */
export interface ShowFilter {
  like?: string
  startsWith?: string
  showLimit?: number
  fromName?: string
  history?: boolean
}

/**
 * SHOW … [LIKE] [STARTS WITH] [LIMIT n [FROM 'name']]: rows in name order (binary, as SHOW sorts),
 * `like` case-insensitive, `startsWith` case-sensitive, then paging.
 * @note `fromName` is a cursor: only names strictly after it (binary order) are listed, "rows only
 * following" it in the contract's words, so the last name of a page fetches the next page and a
 * partial name works too. As in SQL, where FROM is part of LIMIT, it applies only together with
 * `showLimit`; Snowflake's Python API (`iter(limit=…, from_name=…)`) and SQLAlchemy dialect page
 * this way.
 */
function show<T>(rows: T[], nameOf: (row: T) => string, filter: ShowFilter): T[] {
  const pattern = filter.like === undefined ? undefined : compileLike(filter.like)
  const { startsWith, showLimit, fromName } = filter
  const kept = rows.filter((row) => {
    const name = nameOf(row)
    if (pattern && !pattern.test(name)) return false
    if (startsWith !== undefined && !name.startsWith(startsWith)) return false
    return !(showLimit !== undefined && fromName !== undefined && name <= fromName)
  })
  kept.sort((a, b) => compareNames(nameOf(a), nameOf(b)))
  return showLimit === undefined ? kept : kept.slice(0, showLimit)
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Databases of the account (and, with `history`, dropped ones still in Time Travel). */
export function listDatabases(
  store: SnowflakeStore,
  filter: ShowFilter,
  clock: Clock,
): DatabaseWire[] {
  const rows: Array<{ record: StoredDatabase; droppedOn: string | null }> = store.databases
    .all()
    .map((record) => ({ record, droppedOn: null }))
  if (filter.history) {
    for (const dropped of retained(store.droppedByParent.all(key('DATABASE', '')), clock)) {
      rows.push({
        record: JSON.parse(dropped.container),
        droppedOn: snowflakeTimestamp(dropped.droppedAt),
      })
    }
  }
  return show(rows, (row) => row.record.name, filter).map((row) =>
    databaseWire(row.record, row.droppedOn),
  )
}

/** Schemas of a database (404 when it does not exist), like {@link listDatabases}. */
export function listSchemas(
  store: SnowflakeStore,
  database: string,
  filter: ShowFilter,
  clock: Clock,
): SchemaWire[] {
  requireDatabase(store, database)
  const rows: Array<{ record: StoredSchema; droppedOn: string | null }> = store.schemasByDatabase
    .all(database)
    .map((record) => ({ record, droppedOn: null }))
  if (filter.history) {
    for (const dropped of retained(store.droppedByParent.all(key('SCHEMA', database)), clock)) {
      rows.push({
        record: JSON.parse(dropped.container),
        droppedOn: snowflakeTimestamp(dropped.droppedAt),
      })
    }
  }
  return show(rows, (row) => row.record.name, filter).map((row) =>
    schemaWire(row.record, row.droppedOn),
  )
}

/** One database, or Snowflake's 404. */
export function fetchDatabase(store: SnowflakeStore, name: string): DatabaseWire {
  return databaseWire(requireDatabase(store, name), null)
}

/** One schema, or Snowflake's 404 for it or its database. */
export function fetchSchema(store: SnowflakeStore, database: string, name: string): SchemaWire {
  requireSchema(store, { database, schema: name })
  return schemaWire(store.schemaByKey.first(key(database, name)) as StoredSchema, null)
}

/**
 * CREATE [OR REPLACE] DATABASE [IF NOT EXISTS] with the body's parameters; the new database holds
 * schema PUBLIC. A replaced database is dropped first (into Time Travel, as Snowflake keeps it).
 * @note INFORMATION_SCHEMA is not listed: Snowflake's SHOW SCHEMAS shows it, but nothing published
 * (contract, Postman examples, Snowflake's Python API tests) confirms the REST API lists it.
 */
export async function createDatabase(
  store: SnowflakeStore,
  name: string,
  body: CreateDatabaseBody,
  queryKind: string | undefined,
  mode: CreateMode,
  clock: Clock,
): Promise<string> {
  const shown = displayIdentifier(name)
  if (store.databaseByName.first(name)) {
    if (mode === 'errorIfExists') throw alreadyExists(shown)
    if (mode === 'ifNotExists') return `${shown} already exists, statement succeeded.`
    await dropDatabase(store, name, clock)
  }
  const now = snowflakeTimestamp(clock.now())
  const database: StoredDatabase = {
    name,
    created_on: now,
    kind: body.kind ?? kindOf(queryKind) ?? 'PERMANENT',
    owner: ownerRole(store),
    owner_role_type: 'ROLE',
    comment: body.comment ?? '',
    ...parametersOf(body, DEFAULT_PARAMETERS),
  }
  await store.databases.create(database)
  await store.schemas.create(newSchema(store, database, PUBLIC_SCHEMA, {}, undefined, now))
  return `Database ${shown} successfully created.`
}

/** CREATE [OR REPLACE] SCHEMA [IF NOT EXISTS] in a database; parameters default to the database's. */
export async function createSchema(
  store: SnowflakeStore,
  database: string,
  name: string,
  body: CreateSchemaBody,
  queryKind: string | undefined,
  mode: CreateMode,
  clock: Clock,
): Promise<string> {
  const parent = requireDatabase(store, database)
  const shown = displayIdentifier(name)
  if (store.schemaByKey.first(key(database, name))) {
    if (mode === 'errorIfExists') throw alreadyExists(shown)
    if (mode === 'ifNotExists') return `${shown} already exists, statement succeeded.`
    await dropSchema(store, database, name, clock)
  }
  const now = snowflakeTimestamp(clock.now())
  await store.schemas.create(newSchema(store, parent, name, body, kindOf(queryKind), now))
  return `Schema ${shown} successfully created.`
}

/**
 * DROP DATABASE [IF EXISTS], cascading to its schemas and their image repositories.
 * @note `restrict=true` refuses a drop only while foreign keys in other databases reference tables
 * in this one (Snowflake's DROP DATABASE … RESTRICT and the contract say so); the mock holds no
 * tables, so a non-empty database is dropped either way, as Snowflake drops it.
 */
export async function deleteDatabase(
  store: SnowflakeStore,
  name: string,
  ifExists: boolean,
  clock: Clock,
): Promise<string> {
  const shown = displayIdentifier(name)
  if (!store.databaseByName.first(name)) {
    if (ifExists) return `Drop statement executed successfully (${shown} already dropped).`
    throw SnowflakeError.notFound('Database', shown)
  }
  await dropDatabase(store, name, clock)
  return `${shown} successfully dropped.`
}

/** DROP SCHEMA [IF EXISTS], cascading to its image repositories (`restrict` as for databases). */
export async function deleteSchema(
  store: SnowflakeStore,
  database: string,
  name: string,
  ifExists: boolean,
  clock: Clock,
): Promise<string> {
  requireDatabase(store, database)
  const shown = displayIdentifier(name)
  if (!store.schemaByKey.first(key(database, name))) {
    if (ifExists) return `Drop statement executed successfully (${shown} already dropped).`
    throw schemaNotFound(database, name)
  }
  await dropSchema(store, database, name, clock)
  return `${shown} successfully dropped.`
}

/**
 * UNDROP DATABASE: restores the most recently dropped version, with everything its drop removed.
 * @note A live database of the same name is Snowflake's "already exists" error (002002, 409),
 * as the UNDROP docs describe; nothing to restore (never dropped, or past its retention) is the
 * does-not-exist error (002003, 404). Snowflake publishes neither text for UNDROP: these are the
 * texts its CREATE and DROP use.
 */
export async function undropDatabase(
  store: SnowflakeStore,
  name: string,
  clock: Clock,
): Promise<string> {
  const shown = displayIdentifier(name)
  if (store.databaseByName.first(name)) throw alreadyExists(shown)
  const dropped = latestRetained(store, key('DATABASE', name, name), clock)
  if (!dropped) throw SnowflakeError.notFound('Database', shown)
  await restore(store, dropped)
  return `Database ${shown} successfully restored.`
}

/** UNDROP SCHEMA, as {@link undropDatabase}; the database must exist. */
export async function undropSchema(
  store: SnowflakeStore,
  database: string,
  name: string,
  clock: Clock,
): Promise<string> {
  requireDatabase(store, database)
  const shown = displayIdentifier(name)
  if (store.schemaByKey.first(key(database, name))) throw alreadyExists(shown)
  const dropped = latestRetained(store, key('SCHEMA', database, name), clock)
  if (!dropped) throw schemaNotFound(database, name)
  await restore(store, dropped)
  return `Schema ${shown} successfully restored.`
}

function requireDatabase(store: SnowflakeStore, name: string): StoredDatabase {
  const database = store.databaseByName.first(name)
  if (!database) throw SnowflakeError.notFound('Database', displayIdentifier(name))
  return database
}

function schemaNotFound(database: string, name: string): SnowflakeError {
  return SnowflakeError.notFound(
    'Schema',
    `${displayIdentifier(database)}.${displayIdentifier(name)}`,
  )
}

function alreadyExists(shown: string): SnowflakeError {
  return new SnowflakeError(
    409,
    SNOWFLAKE_CODES.alreadyExists,
    `SQL compilation error:\nObject '${shown}' already exists.`,
  )
}

function ownerRole(store: SnowflakeStore): string {
  return store.accounts.all()[0]?.defaultRole ?? 'ACCOUNTADMIN'
}

/** The deprecated `kind` query parameter (`transient`, `permanent` or empty). */
function kindOf(queryKind: string | undefined): StoredDatabase['kind'] | undefined {
  if (!queryKind) return undefined
  return queryKind.toUpperCase() === 'TRANSIENT' ? 'TRANSIENT' : 'PERMANENT'
}

/** The parameters only (never names or other fields): the body's where set, else `inherited`. */
function parametersOf(body: Partial<Parameters>, inherited: Parameters): Parameters {
  const out: Record<string, unknown> = {}
  for (const name of PARAMETER_NAMES) out[name] = body[name] ?? inherited[name]
  return out as Parameters
}

/** A schema record: parameters the body leaves out come from the database, as Snowflake inherits. */
function newSchema(
  store: SnowflakeStore,
  database: StoredDatabase,
  name: string,
  body: Partial<CreateSchemaBody>,
  queryKind: StoredSchema['kind'] | undefined,
  createdOn: string,
): StoredSchema {
  return {
    database: database.name,
    name,
    created_on: createdOn,
    // Schemas of a transient database are transient.
    kind: database.kind === 'TRANSIENT' ? 'TRANSIENT' : (body.kind ?? queryKind ?? 'PERMANENT'),
    owner: ownerRole(store),
    owner_role_type: 'ROLE',
    comment: body.comment ?? '',
    managed_access: body.managed_access ?? false,
    pipe_execution_paused: body.pipe_execution_paused ?? false,
    ...parametersOf(body, database),
  }
}

function databaseWire(d: StoredDatabase, droppedOn: string | null): DatabaseWire {
  return {
    created_on: d.created_on,
    name: displayIdentifier(d.name),
    kind: d.kind,
    is_default: false,
    is_current: false,
    origin: '',
    owner: d.owner,
    comment: d.comment,
    options: d.kind === 'TRANSIENT' ? 'TRANSIENT' : '',
    retention_time: d.data_retention_time_in_days,
    dropped_on: droppedOn,
    owner_role_type: d.owner_role_type,
    ...parametersOf(d, DEFAULT_PARAMETERS),
  }
}

function schemaWire(s: StoredSchema, droppedOn: string | null): SchemaWire {
  const options = [
    ...(s.kind === 'TRANSIENT' ? ['TRANSIENT'] : []),
    ...(s.managed_access ? ['MANAGED ACCESS'] : []),
  ]
  return {
    created_on: s.created_on,
    name: displayIdentifier(s.name),
    kind: s.kind,
    is_default: false,
    is_current: false,
    database_name: displayIdentifier(s.database),
    owner: s.owner,
    comment: s.comment,
    options: options.join(', '),
    managed_access: s.managed_access,
    retention_time: s.data_retention_time_in_days,
    dropped_on: droppedOn,
    owner_role_type: s.owner_role_type,
    pipe_execution_paused: s.pipe_execution_paused,
    ...parametersOf(s, DEFAULT_PARAMETERS),
  }
}

/** Everything one drop removed, in restore order. */
interface Removed {
  databases: StoredDatabase[]
  schemas: StoredSchema[]
  tagDefinitions: TagDefinition[]
  repositories: ImageRepository[]
  images: Image[]
  tagAssignments: TagAssignmentRecord[]
}

const emptyRemoved = (): Removed => ({
  databases: [],
  schemas: [],
  tagDefinitions: [],
  repositories: [],
  images: [],
  tagAssignments: [],
})

async function dropDatabase(store: SnowflakeStore, name: string, clock: Clock): Promise<void> {
  const database = store.databaseByName.first(name)
  if (!database) return
  const removed = emptyRemoved()
  for (const schema of store.schemasByDatabase.all(name)) {
    removeSchema(store, name, schema.name, removed)
  }
  removed.databases.push(database)
  store.databases.delete(database)
  await keep(store, 'DATABASE', name, name, database, removed, clock)
}

async function dropSchema(
  store: SnowflakeStore,
  database: string,
  name: string,
  clock: Clock,
): Promise<void> {
  const schema = store.schemaByKey.first(key(database, name))
  if (!schema) return
  const removed = emptyRemoved()
  removeSchema(store, database, name, removed)
  await keep(store, 'SCHEMA', database, name, schema, removed, clock)
}

/**
 * Deletes a schema and its contents through the indexes (never a scan): its tag objects, its
 * repositories with their images and tag assignments, and assignments elsewhere of its tags.
 */
function removeSchema(store: SnowflakeStore, database: string, name: string, into: Removed): void {
  const schemaKey = key(database, name)
  for (const repository of store.repositoriesBySchema.all(schemaKey)) {
    const repoKey = key(database, name, repository.name)
    for (const image of store.imagesByRepository.all(repoKey)) {
      into.images.push(image)
      store.images.delete(image)
    }
    for (const assignment of store.tagsByRepository.all(repoKey)) {
      into.tagAssignments.push(assignment)
      store.tagAssignments.delete(assignment)
    }
    into.repositories.push(repository)
    store.repositories.delete(repository)
  }
  for (const assignment of store.tagAssignmentsByTagSchema.all(schemaKey)) {
    into.tagAssignments.push(assignment)
    store.tagAssignments.delete(assignment)
  }
  for (const tag of store.tagDefinitionsBySchema.all(schemaKey)) {
    into.tagDefinitions.push(tag)
    store.tagDefinitions.delete(tag)
  }
  for (const schema of store.schemaByKey.all(schemaKey)) {
    into.schemas.push(schema)
    store.schemas.delete(schema)
  }
}

/** Stores what a drop removed for Time Travel, and forgets versions of it past their retention. */
async function keep(
  store: SnowflakeStore,
  kind: DroppedContainer['kind'],
  database: string,
  name: string,
  container: StoredDatabase | StoredSchema,
  removed: Removed,
  clock: Clock,
): Promise<void> {
  const now = clock.now()
  for (const old of store.droppedByKey.all(key(kind, database, name))) {
    if (!isRetained(old, now)) store.dropped.delete(old)
  }
  await store.dropped.create({
    kind,
    database,
    name,
    droppedAt: now,
    retentionDays: container.data_retention_time_in_days,
    container: JSON.stringify(container),
    records: JSON.stringify(removed),
  })
}

function isRetained(dropped: DroppedContainer, now: number): boolean {
  return now < dropped.droppedAt + dropped.retentionDays * DAY_MS
}

function retained<T extends DroppedContainer>(list: T[], clock: Clock): T[] {
  const now = clock.now()
  return list.filter((dropped) => isRetained(dropped, now))
}

function latestRetained(
  store: SnowflakeStore,
  droppedKey: string,
  clock: Clock,
): DroppedRecord | undefined {
  return retained(store.droppedByKey.all(droppedKey), clock).at(-1)
}

/**
 * Puts back what a drop removed and forgets that version. A tag assignment comes back only while
 * both its repository and its tag object exist (either may have gone with another drop since).
 */
async function restore(store: SnowflakeStore, dropped: DroppedRecord): Promise<void> {
  const removed: Removed = JSON.parse(dropped.records)
  store.dropped.delete(dropped)
  for (const record of removed.databases) await store.databases.create(record)
  for (const record of removed.schemas) await store.schemas.create(record)
  for (const record of removed.tagDefinitions) await store.tagDefinitions.create(record)
  for (const record of removed.repositories) await store.repositories.create(record)
  for (const record of removed.images) await store.images.create(record)
  for (const record of removed.tagAssignments) {
    const repository = store.repositoryByKey.first(
      key(record.database_name, record.schema_name, record.repository_name),
    )
    const tag = store.tagDefinitionsBySchema
      .all(key(record.tag_database, record.tag_schema))
      .some((definition) => definition.name === record.tag_name)
    if (repository && tag) await store.tagAssignments.create(record)
  }
}
