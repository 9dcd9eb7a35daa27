import { z } from 'zod'
import { DEFAULT_EPOCH } from '../../core/clock.ts'
import { displayIdentifier } from './identifiers.ts'

/** An account the scenario defines: it shapes `repository_url` hosts. */
export const accountSchema = z.object({
  organization: z.string(),
  account: z.string(),
  /** Role that owns what the API creates. */
  defaultRole: z.string(),
})

/** The createMode values of the contract, shared by every create operation. */
export const CREATE_MODES = ['errorIfExists', 'orReplace', 'ifNotExists'] as const
export type CreateMode = (typeof CREATE_MODES)[number]

/** Database and schema kinds (contract `Database.kind`, `Schema.kind`). */
export const CONTAINER_KINDS = ['PERMANENT', 'TRANSIENT'] as const
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'OFF'] as const
const TRACE_LEVELS = ['ALWAYS', 'ON_EVENT', 'OFF'] as const
/** Snowflake's largest Time Travel retention (Enterprise edition), in days. */
export const MAX_RETENTION_DAYS = 90

/** Snowflake's defaults for a new database's parameters (the values its own API tests assert). */
export const DEFAULT_PARAMETERS = {
  data_retention_time_in_days: 1,
  max_data_extension_time_in_days: 14,
  default_ddl_collation: '',
  log_level: 'OFF',
  trace_level: 'OFF',
  suspend_task_after_num_failures: 10,
  user_task_managed_initial_warehouse_size: 'MEDIUM',
  user_task_timeout_ms: 3_600_000,
  serverless_task_min_statement_size: 'XSMALL',
  serverless_task_max_statement_size: 'X2LARGE',
}

/**
 * The parameters a database or schema carries (contract `Database` / `Schema`, writable part).
 * Stored records always hold them; a scenario file may leave them out for Snowflake's defaults.
 */
const containerParameters = {
  data_retention_time_in_days: z
    .number()
    .int()
    .default(DEFAULT_PARAMETERS.data_retention_time_in_days),
  max_data_extension_time_in_days: z
    .number()
    .int()
    .default(DEFAULT_PARAMETERS.max_data_extension_time_in_days),
  default_ddl_collation: z.string().default(DEFAULT_PARAMETERS.default_ddl_collation),
  log_level: z.string().default(DEFAULT_PARAMETERS.log_level),
  trace_level: z.string().default(DEFAULT_PARAMETERS.trace_level),
  suspend_task_after_num_failures: z
    .number()
    .int()
    .default(DEFAULT_PARAMETERS.suspend_task_after_num_failures),
  user_task_managed_initial_warehouse_size: z
    .string()
    .default(DEFAULT_PARAMETERS.user_task_managed_initial_warehouse_size),
  user_task_timeout_ms: z.number().int().default(DEFAULT_PARAMETERS.user_task_timeout_ms),
  serverless_task_min_statement_size: z
    .string()
    .default(DEFAULT_PARAMETERS.serverless_task_min_statement_size),
  serverless_task_max_statement_size: z
    .string()
    .default(DEFAULT_PARAMETERS.serverless_task_max_statement_size),
}

/** `created_on` of a container a scenario file lists without one: the clock's default start. */
const DEFAULT_CREATED_ON = new Date(DEFAULT_EPOCH).toISOString().replace('Z', '+00:00')

/** What every stored container has besides its name and parameters, with a file's defaults. */
const containerFields = {
  created_on: z.string().default(DEFAULT_CREATED_ON),
  kind: z.enum(CONTAINER_KINDS).default('PERMANENT'),
  owner: z.string().default('ACCOUNTADMIN'),
  owner_role_type: z.string().default('ROLE'),
  comment: z.string().default(''),
}

/** A stored database; names are stored resolved (upper case unless quoted), times in Snowflake's form. */
export const databaseSchema = z.object({
  name: z.string(),
  ...containerFields,
  ...containerParameters,
})

/** A stored schema within a database. */
export const schemaSchema = z.object({
  database: z.string(),
  name: z.string(),
  ...containerFields,
  managed_access: z.boolean().default(false),
  pipe_execution_paused: z.boolean().default(false),
  ...containerParameters,
})

/**
 * A dropped database or schema kept for Time Travel: everything its drop removed, as JSON, so
 * undrop restores exactly that. `database` is the database's own name for a dropped database.
 */
export const droppedContainerSchema = z.object({
  kind: z.enum(['DATABASE', 'SCHEMA']),
  database: z.string(),
  name: z.string(),
  /** Session-clock milliseconds of the drop. */
  droppedAt: z.number(),
  retentionDays: z.number().int(),
  /** The dropped database or schema record itself, as JSON (for `history` listings). */
  container: z.string(),
  /** `{databases, schemas, tagDefinitions, repositories, images, tagAssignments}` as removed. */
  records: z.string(),
})

export type StoredDatabase = z.infer<typeof databaseSchema>
export type StoredSchema = z.infer<typeof schemaSchema>
export type DroppedContainer = z.infer<typeof droppedContainerSchema>

/** A tag object that setTags may assign (Snowflake requires the tag to exist). */
export const tagDefinitionSchema = z.object({
  database: z.string(),
  schema: z.string(),
  name: z.string(),
  allowedValues: z.array(z.string()).nullable(),
})

/** A stored image repository (contract `ImageRepository`, every field filled). */
export const imageRepositorySchema = z.object({
  name: z.string(),
  database_name: z.string(),
  schema_name: z.string(),
  created_on: z.string(),
  repository_url: z.string(),
  owner: z.string(),
  owner_role_type: z.string(),
})

/** A stored image (contract `Image`) with the repository it belongs to. */
export const imageSchema = z.object({
  database_name: z.string(),
  schema_name: z.string(),
  repository_name: z.string(),
  created_on: z.string(),
  image_name: z.string(),
  tags: z.string(),
  digest: z.string(),
  image_path: z.string(),
})

/** A tag value set on a repository (contract `TagAssignment`). */
export const tagAssignmentRecordSchema = z.object({
  database_name: z.string(),
  schema_name: z.string(),
  repository_name: z.string(),
  tag_database: z.string(),
  tag_schema: z.string(),
  tag_name: z.string(),
  tag_value: z.string(),
})

/** The outcome of a `Prefer: respond-async` request, served by fetchResult once ready. */
export const asyncResultSchema = z.object({
  handle: z.string(),
  readyAt: z.number(),
  status: z.number(),
  body: z.string(),
  /** fetchResult polls so far (absent: none). */
  polls: z.number().int().nonnegative().optional(),
})

/**
 * When a `Prefer: respond-async` result is ready: `ready_ms` of session time after the request,
 * or at the `ready_polls`-th fetchResult poll (null: time alone), whichever comes first.
 */
export const asyncSettingsSchema = z.object({
  ready_ms: z.number().int().nonnegative(),
  ready_polls: z.number().int().positive().nullable(),
})

export type AsyncSettings = z.infer<typeof asyncSettingsSchema>

/** A bearer token with narrower rights than the default "any token may do anything". */
export const tokenSchema = z.object({
  token: z.string(),
  /** `read` tokens get 403 on create, delete and tag changes. */
  access: z.enum(['read', 'write']),
})

/** Writable part of a create body: only `name`; read-only contract fields are ignored. */
export const createImageRepositoryBodySchema = z
  .object({
    name: z.string({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string'),
    }),
    database_name: z.unknown().optional(),
    schema_name: z.unknown().optional(),
    created_on: z.unknown().optional(),
    repository_url: z.unknown().optional(),
    owner: z.unknown().optional(),
    owner_role_type: z.unknown().optional(),
  })
  .strict()

/** One element of a setTags body (contract `TagAssignment`; `level` is read-only). */
export const tagAssignmentInputSchema = z
  .object({
    tag_database: z.string().optional(),
    tag_schema: z.string().optional(),
    tag_name: z.string({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string'),
    }),
    tag_value: z.string({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string'),
    }),
    level: z.unknown().optional(),
  })
  .strict()

/** One element of an unsetTags body (contract `TagReference`). */
export const tagReferenceInputSchema = z
  .object({
    tag_database: z.string().optional(),
    tag_schema: z.string().optional(),
    tag_name: z.string({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string'),
    }),
  })
  .strict()

const required = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) })
const int = (min: number, max: number) =>
  z
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be from ${min} to ${max}` })
    .max(max, { error: `must be from ${min} to ${max}` })
const text = z.string({ error: 'must be a string' })
const flag = z.boolean({ error: 'must be true or false' })
const readOnly = z.unknown().optional()

/** Writable parameters shared by the Database and Schema bodies. */
const containerBodyParameters = {
  kind: z.enum(CONTAINER_KINDS, { error: 'must be PERMANENT or TRANSIENT' }).optional(),
  comment: text.optional(),
  data_retention_time_in_days: int(0, MAX_RETENTION_DAYS).optional(),
  max_data_extension_time_in_days: int(0, MAX_RETENTION_DAYS).optional(),
  default_ddl_collation: text.optional(),
  log_level: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  trace_level: z
    .enum(TRACE_LEVELS, { error: `must be one of ${TRACE_LEVELS.join(', ')}` })
    .optional(),
  suspend_task_after_num_failures: int(0, 1_000_000).optional(),
  user_task_managed_initial_warehouse_size: text.optional(),
  user_task_timeout_ms: int(1, 604_800_000).optional(),
  serverless_task_min_statement_size: text.optional(),
  serverless_task_max_statement_size: text.optional(),
  // Read-only fields of the contract: accepted and ignored, as Snowflake does.
  created_on: readOnly,
  is_default: readOnly,
  is_current: readOnly,
  owner: readOnly,
  options: readOnly,
  retention_time: readOnly,
  dropped_on: readOnly,
  budget: readOnly,
  owner_role_type: readOnly,
}

/** A createDatabase body (contract `Database`): `name` plus writable parameters. */
export const createDatabaseBodySchema = z
  .object({ name: required('a string'), origin: readOnly, ...containerBodyParameters })
  .strict()

/** A createSchema body (contract `Schema`): `name` plus writable parameters. */
export const createSchemaBodySchema = z
  .object({
    name: required('a string'),
    database_name: readOnly,
    managed_access: flag.optional(),
    pipe_execution_paused: flag.optional(),
    ...containerBodyParameters,
  })
  .strict()

export type CreateDatabaseBody = z.infer<typeof createDatabaseBodySchema>
export type CreateSchemaBody = z.infer<typeof createSchemaBodySchema>

const wireParameters = {
  ...containerParameters,
  created_on: z.string(),
  name: z.string(),
  kind: z.enum(CONTAINER_KINDS),
  is_default: z.boolean(),
  is_current: z.boolean(),
  owner: z.string(),
  comment: z.string(),
  options: z.string(),
  retention_time: z.number().int(),
  dropped_on: z.string().nullable(),
  owner_role_type: z.string(),
}

/** A database as listDatabases and fetchDatabase return it (contract `Database`). */
export const databaseWireSchema = z.object({ ...wireParameters, origin: z.string() })

/** A schema as listSchemas and fetchSchema return it (contract `Schema`). */
export const schemaWireSchema = z.object({
  ...wireParameters,
  database_name: z.string(),
  managed_access: z.boolean(),
  pipe_execution_paused: z.boolean(),
})

export type DatabaseWire = z.infer<typeof databaseWireSchema>
export type SchemaWire = z.infer<typeof schemaWireSchema>

export type ImageRepository = z.infer<typeof imageRepositorySchema>
export type Image = z.infer<typeof imageSchema>
export type TagAssignmentRecord = z.infer<typeof tagAssignmentRecordSchema>

/** An image as listImagesInRepository returns it (contract `Image`). */
export const imageWireSchema = imageSchema.omit({
  database_name: true,
  schema_name: true,
  repository_name: true,
})

/** A tag on a repository as getTags returns it (contract `TagAssignment`). */
export const tagAssignmentWireSchema = z.object({
  tag_database: z.string(),
  tag_schema: z.string(),
  tag_name: z.string(),
  tag_value: z.string(),
  level: z.string(),
})

/**
 * A repository as listImageRepositories and fetchImageRepository return it (contract
 * `ImageRepository`).
 * @note Names go out as they would have to be written back: bare when upper case and plain,
 * double-quoted otherwise, so a name from a list can be used as a path parameter unchanged.
 */
export function repositoryWire(repository: ImageRepository): ImageRepository {
  return {
    name: displayIdentifier(repository.name),
    database_name: displayIdentifier(repository.database_name),
    schema_name: displayIdentifier(repository.schema_name),
    created_on: repository.created_on,
    repository_url: repository.repository_url,
    owner: repository.owner,
    owner_role_type: repository.owner_role_type,
  }
}

/** An image as listImagesInRepository returns it (contract `Image`). */
export function imageWire(image: Image): z.infer<typeof imageWireSchema> {
  return {
    created_on: image.created_on,
    image_name: image.image_name,
    tags: image.tags,
    digest: image.digest,
    image_path: image.image_path,
  }
}

/** A tag set on a repository as getTags returns it (contract `TagAssignment`, at its level). */
export function tagAssignmentWire(
  tag: TagAssignmentRecord,
): z.infer<typeof tagAssignmentWireSchema> {
  return {
    tag_database: tag.tag_database,
    tag_schema: tag.tag_schema,
    tag_name: tag.tag_name,
    tag_value: tag.tag_value,
    level: 'IMAGE REPOSITORY',
  }
}

/** Contract `SuccessResponse`. */
export const successResponseSchema = z.object({ status: z.string() })

/** Contract `SuccessAcceptedResponse`: the 202 of `Prefer: respond-async`. */
export const acceptedResponseSchema = z.object({
  code: z.string(),
  message: z.string(),
  resultHandler: z.string(),
})

/** Contract `ErrorResponse`, with every field the mock fills. */
export const errorResponseSchema = z.object({
  message: z.string(),
  code: z.string(),
  error_code: z.string(),
  request_id: z.string(),
})
