import { z } from 'zod'

/** Cycle's zero time: what the API shows for an event that has not happened (Go's zero `time.Time`). */
export const ZERO_TIME = '0001-01-01T00:00:00Z'

/** A Cycle resource ID: 24 lowercase hex digits (a MongoDB ObjectId). */
export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex ID')

const dateTimeSchema = z.iso.datetime({ offset: true })
const nullableString = z.string().nullable()

/** The kinds of image source (contract `ImageSourceType`). */
export const IMAGE_SOURCE_TYPES = ['stack-build', 'direct', 'bucket'] as const
export const imageSourceTypeSchema = z.enum(IMAGE_SOURCE_TYPES)

/** The image source states (contract `ImageSourceState.current`). */
export const IMAGE_SOURCE_STATES = ['live', 'deleting', 'deleted'] as const

/** The image states counted by `meta=images_count` (contract `ImageSourceMeta`). */
export const IMAGE_STATES = [
  'new',
  'downloading',
  'building',
  'verifying',
  'saving',
  'live',
  'deleting',
] as const

const existingSourceSchema = z.strictObject({ source_id: objectIdSchema.optional() })

const credentialsHttpSchema = z.strictObject({
  type: z.literal('http'),
  credentials: z.strictObject({ username: z.string(), password: z.string() }),
})

const credentialsSshSchema = z.strictObject({
  type: z.literal('ssh'),
  credentials: z.strictObject({
    username: z.string(),
    passphrase: z.string(),
    private_key: z.string(),
  }),
})

const repoSchema = z.strictObject({
  url: z.string(),
  branch: z.string().optional(),
  auth: z.discriminatedUnion('type', [credentialsHttpSchema, credentialsSshSchema]).nullish(),
  ref: z.strictObject({ type: z.string(), value: z.string() }).nullish(),
})

const registryAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('user'),
    details: z.strictObject({ username: z.string().optional(), token: z.string().optional() }),
  }),
  z.strictObject({
    type: z.literal('provider'),
    details: z.strictObject({
      flavor: z.literal('ecr'),
      credentials: z.strictObject({
        region: z.string().optional(),
        namespace: z.string().optional(),
        api_key: z.string().optional(),
        secret: z.string().optional(),
        subscription_id: z.string().optional(),
        client_id: z.string().optional(),
        config: z.string().optional(),
      }),
    }),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    details: z.strictObject({ url: z.string() }),
  }),
])

/** The seven `ImageOrigin` variants of the contract, told apart by `type`. */
export const imageOriginSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('docker-hub'),
    details: z.strictObject({
      existing: existingSourceSchema.nullish(),
      target: z.string(),
      username: z.string().optional(),
      token: z.string().optional(),
    }),
  }),
  z.strictObject({
    type: z.literal('docker-file'),
    details: z.strictObject({
      existing: existingSourceSchema.nullish(),
      repo: repoSchema.nullish(),
      targz_url: nullableString.optional(),
      context_dir: nullableString.optional(),
      build_file: nullableString.optional(),
      credentials: z
        .array(
          z.strictObject({
            url: z.string().optional(),
            username: z.string().optional(),
            token: z.string().optional(),
          }),
        )
        .nullish(),
    }),
  }),
  z.strictObject({
    type: z.literal('docker-registry'),
    details: z.strictObject({
      existing: existingSourceSchema.optional(),
      target: z.string(),
      url: z.string(),
      username: z.string().optional(),
      token: z.string().optional(),
      password: z.string().optional(),
    }),
  }),
  z.strictObject({
    type: z.literal('oci-registry'),
    details: z.strictObject({
      existing: existingSourceSchema.optional(),
      target: z.string(),
      url: z.string(),
      auth: registryAuthSchema.nullish(),
    }),
  }),
  z.strictObject({
    type: z.literal('cycle-upload'),
    details: z.strictObject({ expires: dateTimeSchema, token: z.string() }),
  }),
  z.strictObject({
    type: z.literal('cycle-source'),
    details: z.strictObject({ source_id: objectIdSchema }),
  }),
  z.strictObject({ type: z.literal('none') }),
])

/** The `type` values of {@link imageOriginSchema}. */
export const IMAGE_ORIGIN_TYPES = [
  'docker-hub',
  'docker-file',
  'docker-registry',
  'oci-registry',
  'cycle-upload',
  'cycle-source',
  'none',
] as const

/** Permissions of one role on a resource (contract `ACLEntry`). */
const aclEntrySchema = z.strictObject({
  view: z.boolean(),
  modify: z.boolean(),
  manage: z.boolean(),
})

/** An access control list: role ID → permissions (contract `ACL`). */
export const aclSchema = z.strictObject({
  roles: z.record(objectIdSchema, aclEntrySchema).optional(),
})

/** Who created a resource (contract `CreatorScope`). */
export const creatorSchema = z.object({
  id: objectIdSchema,
  type: z.enum([
    'account',
    'environment',
    'platform',
    'platform-pipeline',
    'employee',
    'api-key',
    'visitor',
  ]),
})

/** The builder an image source uses (contract `ImageSource.builder`). */
export const builderSchema = z.strictObject({ integration_id: z.string().min(1).nullish() })

/** A stored image source: exactly the contract's `ImageSource`, every field filled. */
export const imageSourceSchema = z.object({
  id: objectIdSchema,
  identifier: z.string(),
  type: imageSourceTypeSchema,
  hub_id: objectIdSchema,
  name: z.string(),
  about: z.object({ description: nullableString }),
  origin: imageOriginSchema,
  builder: builderSchema.nullable(),
  creator: creatorSchema,
  acl: aclSchema.nullable(),
  state: z.object({
    current: z.enum(IMAGE_SOURCE_STATES),
    changed: z.string(),
    error: z.object({ message: z.string(), time: z.string() }).optional(),
  }),
  events: z.object({ created: z.string(), updated: z.string(), deleted: z.string() }),
})

/** An image built from a source; only what `meta=images_count` needs. */
export const imageSchema = z.object({
  id: objectIdSchema,
  hub_id: objectIdSchema,
  source_id: objectIdSchema,
  state: z.enum(IMAGE_STATES),
})

/** A hub the scenario knows; requests name it in `X-Hub-Id`. */
export const hubSchema = z.object({
  id: objectIdSchema,
  name: z.string(),
  identifier: z.string(),
  /** The account that owns the hub: the creator of what unknown tokens create. */
  owner_account_id: objectIdSchema,
})

const eventsSchema = z.object({ created: z.string(), updated: z.string(), deleted: z.string() })

/** A Cycle account (contract `PublicAccount`), included as a creator. */
export const accountSchema = z.object({
  id: objectIdSchema,
  name: z.object({ first: z.string(), last: z.string() }),
  email: z.object({ address: z.string() }),
  two_factor_auth: z.object({ verified: z.boolean() }),
  events: z.object({ created: z.string(), updated: z.string(), last_login: z.string() }),
})

/**
 * A hub API key (contract `ApiKeyCreator`) with its secret: the secret is the bearer token, and its
 * capabilities decide what the key may do. The secret is never served.
 */
export const apiKeySchema = z.object({
  id: objectIdSchema,
  name: z.string(),
  secret: z.string(),
  hub_id: objectIdSchema,
  creator: creatorSchema,
  permissions: z.object({
    all_environments: z.boolean(),
    environments: z.array(z.object({ id: objectIdSchema, manage: z.boolean() })),
  }),
  capabilities: z.object({ all: z.boolean(), specific: z.array(z.string()) }),
  ips: z.array(z.string()).nullable(),
  state: z.object({ current: z.enum(IMAGE_SOURCE_STATES), changed: z.string() }),
  events: eventsSchema,
})

/** A hub integration (contract `Integration`), referenced by `builder.integration_id`. */
export const integrationSchema = z.object({
  id: objectIdSchema,
  identifier: z.string(),
  name: z.string(),
  vendor: z.string(),
  auth: z.null(),
  extra: z.record(z.string(), z.string()).nullable(),
  creator: creatorSchema,
  hub_id: objectIdSchema,
  state: z.object({
    current: z.enum(['new', 'verifying', 'live', 'deleting', 'deleted']),
    changed: z.string(),
  }),
  events: eventsSchema,
})

/** The task states of a job task (contract `TaskState.current`). */
export const TASK_STATES = ['pending', 'error', 'running', 'completed'] as const

/** The job states this mock moves through, in order (a subset of contract `JobState.current`). */
export const JOB_STAGES = ['new', 'queued', 'running', 'completed'] as const

const taskStepSchema = z.object({
  caption: z.string(),
  description: z.string(),
  started: z.string(),
  completed: z.string(),
})

/**
 * A stored job: the contract's `Job` plus `progress`, the mock's bookkeeping for moving it along
 * (never served).
 */
export const jobSchema = z.object({
  id: objectIdSchema,
  hub_id: objectIdSchema,
  queue: z.string(),
  caption: z.string(),
  events: z.object({ queued: z.string(), started: z.string(), completed: z.string() }),
  schedule: z.string(),
  expires: z.string(),
  tasks: z.array(
    z.object({
      id: objectIdSchema,
      caption: z.string(),
      header: z.string(),
      events: z.object({ queued: z.string(), started: z.string(), completed: z.string() }),
      error: z.object({ message: z.string() }).nullable(),
      steps: z.array(taskStepSchema).nullable(),
      state: z.object({ changed: z.string(), current: z.enum(TASK_STATES) }),
      input: z.record(z.string(), z.unknown()),
      output: z.record(z.string(), z.string()).nullable(),
    }),
  ),
  hash: z.string(),
  limit_duplicates: z.boolean(),
  creator: creatorSchema,
  state: z.object({
    current: z.enum(['new', 'queued', 'error', 'scheduled', 'expired', 'running', 'completed']),
    changed: z.string(),
    error: z.object({ message: z.string() }).nullable(),
  }),
  progress: z.object({
    /** The image source this job deletes. */
    source_id: objectIdSchema,
    /** getJob requests seen so far. */
    polls: z.number().int().nonnegative(),
    /** When the job was created, in ms on the session clock. */
    created_ms: z.number(),
    /**
     * The error the job ends in instead of completing (an `async: "fail"` fault rule), as its
     * `state.error.message` then says; absent for a job that completes.
     */
    fail: z.string().optional(),
  }),
})

/** How jobs move: one stage per `stage_polls` polls or per `stage_ms` on the session clock. */
export const jobSettingsSchema = z.object({
  stage_ms: z.number().int().positive(),
  stage_polls: z.number().int().positive(),
})

/** Body of createImageSource (contract request body; `type` and `origin` required). */
export const createImageSourceBodySchema = z.strictObject({
  name: z.string().min(1).optional(),
  identifier: z.string().min(1).optional(),
  acl: aclSchema.nullish(),
  builder: z.strictObject({ integration_id: z.string().min(1) }).nullish(),
  type: imageSourceTypeSchema,
  origin: imageOriginSchema,
  about: z.strictObject({ description: nullableString }).optional(),
})

/** Body of updateImageSource: every field optional; only given fields change. */
export const updateImageSourceBodySchema = z.strictObject({
  name: z.string().min(1).optional(),
  identifier: z.string().min(1).nullish(),
  origin: imageOriginSchema.optional(),
  builder: builderSchema.nullish(),
  about: z.strictObject({ description: nullableString }).optional(),
})

/** Body of updateImageSourceAccess: the new ACL, or null to remove it. */
export const updateImageSourceAccessBodySchema = z.strictObject({ acl: aclSchema.nullable() })

export type ImageSource = z.infer<typeof imageSourceSchema>
export type ImageOrigin = z.infer<typeof imageOriginSchema>
export type Acl = z.infer<typeof aclSchema>
export type Creator = z.infer<typeof creatorSchema>
export type Image = z.infer<typeof imageSchema>
export type Hub = z.infer<typeof hubSchema>
export type Account = z.infer<typeof accountSchema>
export type ApiKey = z.infer<typeof apiKeySchema>
export type Integration = z.infer<typeof integrationSchema>
export type Job = z.infer<typeof jobSchema>
export type JobSettings = z.infer<typeof jobSettingsSchema>
export type CreateImageSourceBody = z.infer<typeof createImageSourceBodySchema>
export type UpdateImageSourceBody = z.infer<typeof updateImageSourceBodySchema>

const imagesCountSchema = z.object({
  total: z.number(),
  state: z.object(Object.fromEntries(IMAGE_STATES.map((s) => [s, z.number()]))),
})

/** An image source as served: the record, with `meta` when `meta=` asks for it. */
export const imageSourceWireSchema = imageSourceSchema.extend({
  meta: z.object({ images_count: imagesCountSchema }).optional(),
})

/** Contract `SourceIncludes`: creators by kind and ID, integrations by ID and identifier. */
export const sourceIncludesSchema = z.object({
  creators: z.record(z.string(), z.record(objectIdSchema, z.unknown())).optional(),
  integrations: z.record(objectIdSchema, integrationSchema).optional(),
  'integrations:identifiers': z.record(z.string(), z.array(objectIdSchema)).optional(),
})

/** Contract `JobDescriptor`, as a deletion answers it. */
export const jobDescriptorSchema = z.object({
  action: z.string(),
  job: z.object({
    id: objectIdSchema,
    accepted: z.boolean(),
    queue: z.string(),
    schedule: z.string(),
    parallel: z.object({ sub_queue: z.string().nullable(), tasks: z.boolean() }),
    tasks: z.array(
      z.object({
        caption: z.string(),
        header: z.string(),
        input: z.record(z.string(), z.unknown()),
        steps: z.null(),
      }),
    ),
  }),
})

/** Contract `Job`, as getJob serves it. */
export const jobWireSchema = jobSchema.omit({ progress: true })

/** Contract `ErrorEnvelope`, with the fields the mock always fills. */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    status: z.number().int(),
    code: z.string(),
    title: z.string(),
    detail: z.string(),
    source: z.string().optional().describe('JSON pointer to the offending body field'),
    extra: z.object({ capability: z.string().optional() }).optional(),
  }),
  data: z.null(),
})
