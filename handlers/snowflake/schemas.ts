import { z } from 'zod'

/** An account the scenario defines: it shapes `repository_url` hosts. */
export const accountSchema = z.object({
  organization: z.string(),
  account: z.string(),
  /** Role that owns what the API creates. */
  defaultRole: z.string(),
})

/** A database the scenario defines; names are stored resolved (upper case unless quoted). */
export const databaseSchema = z.object({ name: z.string() })

/** A schema within a database. */
export const schemaSchema = z.object({ database: z.string(), name: z.string() })

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
})

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

const booleanText = z.enum(['true', 'false'])

/** Query parameters, per operation, as the handlers accept them. */
export const snowflakeQuery = {
  list: z.object({
    like: z.string().optional().describe('SQL LIKE pattern (% and _), case-insensitive'),
  }),
  create: z.object({
    createMode: z.enum(['errorIfExists', 'orReplace', 'ifNotExists']).optional(),
  }),
  ifExists: z.object({ ifExists: booleanText.optional() }),
  getTags: z.object({ withLineage: booleanText.optional() }),
  fetchResult: z.object({ page: z.string().regex(/^\d+$/).optional() }),
}
