import { HttpResponse } from 'msw'
import { z } from 'zod'
import { MockError } from '../../core/errors.ts'
import { describeZodError } from '../../core/faults.ts'
import type { OperationContext } from '../../core/vendor.ts'
import { snowflakeOperation } from './auth.ts'
import { SNOWFLAKE_CODES, SnowflakeError } from './errors.ts'
import { displayIdentifier, resolveIdentifier } from './identifiers.ts'
import {
  CREATE_MODES,
  type CreateMode,
  createImageRepository,
  deleteImageRepository,
  fetchImageRepository,
  fetchResult,
  getTags,
  listImageRepositories,
  listImagesInRepository,
  type SchemaRef,
  type SnowflakeStore,
  setTags,
  storeAsyncResult,
  type TagChange,
  unsetTags,
} from './model.ts'
import {
  acceptedResponseSchema,
  createImageRepositoryBodySchema,
  type ImageRepository,
  imageRepositorySchema,
  imageWireSchema,
  snowflakeQuery,
  successResponseSchema,
  tagAssignmentInputSchema,
  tagAssignmentWireSchema,
  tagReferenceInputSchema,
} from './schemas.ts'

type Ctx = OperationContext<SnowflakeStore>

const BASE = '/api/v2/databases/{database}/schemas/{schema}/image-repositories'
/** A LIKE pattern matches identifiers of at most 255 characters; longer ones are refused. */
const MAX_LIKE_LENGTH = 1024
const READ_STATUSES = [200, 202, 400, 401, 403, 404, 405, 429, 500, 503, 504] as const
const WRITE_STATUSES = [200, 202, 400, 401, 403, 404, 405, 408, 409, 429, 500, 503, 504] as const
const TAG_STATUSES = [200, 202, 400, 401, 403, 404, 405, 408, 409, 410, 429, 500, 503, 504] as const
const ASYNC_HEADERS = {
  Prefer: '`respond-async` answers 202 and leaves the result at /api/v2/results/{handle}',
}
const accepted202 = {
  description: 'Accepted (Prefer: respond-async); poll the Location',
  schema: acceptedResponseSchema,
}
const success = (description: string, schema: z.ZodType = successResponseSchema) => ({
  200: { description, schema },
  202: accepted202,
})

const IN_PROGRESS =
  'Request execution in progress. Use the provided location header or result handler ID to perform query monitoring and management.'

/** Every Snowflake image-repository operation of the contract, plus fetchResult. */
export const snowflakeOperations = [
  snowflakeOperation({
    id: 'listImageRepositories',
    permission: 'read',
    docs: {
      query: snowflakeQuery.list,
      headers: ASYNC_HEADERS,
      responses: success('The repositories, by name', z.array(imageRepositorySchema)),
    },
    method: 'GET',
    path: BASE,
    summary: 'Lists image repositories.',
    statuses: WRITE_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        const like = ctx.url.searchParams.get('like') ?? undefined
        if (like !== undefined && like.length > MAX_LIKE_LENGTH) {
          throw SnowflakeError.badRequest(
            `Invalid value for query parameter like: longer than ${MAX_LIKE_LENGTH} characters.`,
          )
        }
        return ok(listImageRepositories(ctx.store, schemaRef(ctx), like).map(serializeRepository))
      }),
  }),
  snowflakeOperation({
    id: 'createImageRepository',
    permission: 'write',
    docs: {
      query: snowflakeQuery.create,
      headers: ASYNC_HEADERS,
      requestBody: createImageRepositoryBodySchema,
      responses: success('Created (or kept, with ifNotExists)'),
    },
    method: 'POST',
    path: BASE,
    summary: 'Creates an image repository in the specified database and schema.',
    statuses: WRITE_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        const ref = schemaRef(ctx)
        const mode = createMode(ctx)
        const body = parseBody(
          createImageRepositoryBodySchema,
          await readJsonBody(ctx),
          'ImageRepository',
        )
        const name = resolveIdentifier(body.name, 'image repository name')
        return ok({ status: await createImageRepository(ctx.store, ref, name, mode, ctx.clock) })
      }),
  }),
  snowflakeOperation({
    id: 'fetchImageRepository',
    permission: 'read',
    docs: { headers: ASYNC_HEADERS, responses: success('The repository', imageRepositorySchema) },
    method: 'GET',
    path: `${BASE}/{name}`,
    summary: 'Fetches an image repository.',
    statuses: READ_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok(serializeRepository(fetchImageRepository(ctx.store, schemaRef(ctx), repoName(ctx)))),
      ),
  }),
  snowflakeOperation({
    id: 'deleteImageRepository',
    permission: 'write',
    docs: { query: snowflakeQuery.ifExists, headers: ASYNC_HEADERS, responses: success('Dropped') },
    method: 'DELETE',
    path: `${BASE}/{name}`,
    summary: 'Deletes an image repository.',
    statuses: READ_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok({
          status: deleteImageRepository(ctx.store, schemaRef(ctx), repoName(ctx), ifExists(ctx)),
        }),
      ),
  }),
  snowflakeOperation({
    id: 'listImagesInRepository',
    permission: 'read',
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('The images, newest first', z.array(imageWireSchema)),
    },
    method: 'GET',
    path: `${BASE}/{name}/images`,
    summary: 'List images in the image repository.',
    statuses: READ_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok(
          listImagesInRepository(ctx.store, schemaRef(ctx), repoName(ctx)).map((image) => ({
            created_on: image.created_on,
            image_name: image.image_name,
            tags: image.tags,
            digest: image.digest,
            image_path: image.image_path,
          })),
        ),
      ),
  }),
  snowflakeOperation({
    id: 'setTags',
    permission: 'write',
    docs: {
      query: snowflakeQuery.ifExists,
      headers: ASYNC_HEADERS,
      requestBody: z.array(tagAssignmentInputSchema),
      responses: success('Tags set'),
    },
    method: 'POST',
    path: `${BASE}/{name}:set-tags`,
    summary: 'Set tags on an image repository.',
    statuses: TAG_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        const ref = schemaRef(ctx)
        const name = repoName(ctx)
        const exists = ifExists(ctx)
        const tags = parseTagList(
          await readJsonBody(ctx),
          tagAssignmentInputSchema,
          'TagAssignment',
        )
        return ok({ status: await setTags(ctx.store, ref, name, tags, exists) })
      }),
  }),
  snowflakeOperation({
    id: 'unsetTags',
    permission: 'write',
    docs: {
      query: snowflakeQuery.ifExists,
      headers: ASYNC_HEADERS,
      requestBody: z.array(tagReferenceInputSchema),
      responses: success('Tags unset'),
    },
    method: 'POST',
    path: `${BASE}/{name}:unset-tags`,
    summary: 'Unset tags from an image repository.',
    statuses: TAG_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        const ref = schemaRef(ctx)
        const name = repoName(ctx)
        const exists = ifExists(ctx)
        const tags = parseTagList(await readJsonBody(ctx), tagReferenceInputSchema, 'TagReference')
        return ok({ status: unsetTags(ctx.store, ref, name, tags, exists) })
      }),
  }),
  snowflakeOperation({
    id: 'getTags',
    permission: 'read',
    docs: {
      query: snowflakeQuery.getTags,
      headers: ASYNC_HEADERS,
      responses: success('The tags set on the repository', z.array(tagAssignmentWireSchema)),
    },
    method: 'GET',
    path: `${BASE}/{name}:get-tags`,
    summary: 'Get the tag assignments for an image repository.',
    statuses: TAG_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        booleanParam(ctx, 'withLineage')
        return ok(getTags(ctx.store, schemaRef(ctx), repoName(ctx)))
      }),
  }),
  snowflakeOperation({
    id: 'fetchResult',
    permission: 'read',
    docs: {
      query: snowflakeQuery.fetchResult,
      responses: {
        200: { description: "The finished operation's own body (or its error)" },
        202: { description: 'Still running', schema: acceptedResponseSchema },
      },
    },
    method: 'GET',
    path: '/api/v2/results/{result_handler}',
    summary: 'Check result status or fetch request',
    statuses: [200, 202, 400, 401, 403, 404, 405, 408, 409, 500, 503, 504],
    handle(ctx) {
      const page = ctx.url.searchParams.get('page')
      if (page !== null && !/^\d{1,15}$/.test(page)) {
        throw SnowflakeError.badRequest(
          `Invalid value '${page}' for query parameter page; expected an integer ≥ 0.`,
        )
      }
      const handle = ctx.params.result_handler ?? ''
      const result = fetchResult(ctx.store, handle, ctx.clock)
      if (result.pending) return accepted(handle)
      return HttpResponse.json(result.body as object, { status: result.status })
    },
  }),
]

interface Outcome {
  status: number
  body: unknown
}

const ok = (body: unknown): Outcome => ({ status: 200, body })

/**
 * Runs an operation now and answers 200, or with `Prefer: respond-async` (or `code=202`) stores
 * the outcome, errors included, and answers 202 with a `Location` to poll.
 */
async function answer(ctx: Ctx, run: () => Promise<Outcome>): Promise<Response> {
  if (!wantsAsync(ctx.request)) {
    const outcome = await run()
    return HttpResponse.json(outcome.body as object, { status: outcome.status })
  }
  let outcome: Outcome
  try {
    outcome = await run()
  } catch (error) {
    if (!(error instanceof MockError)) throw error
    const rendered = ctx.renderError(error)
    outcome = { status: rendered.status, body: rendered.body }
  }
  return accepted(await storeAsyncResult(ctx.store, outcome, ctx.clock, ctx.random))
}

function accepted(handle: string): Response {
  return HttpResponse.json(
    { code: SNOWFLAKE_CODES.asyncInProgress, message: IN_PROGRESS, resultHandler: handle },
    { status: 202, headers: { Location: `/api/v2/results/${handle}` } },
  )
}

function wantsAsync(request: Request): boolean {
  const prefer = request.headers.get('prefer') ?? ''
  return (
    /(?:^|[,;\s])respond-async(?:$|[,;\s])/i.test(prefer) ||
    /(?:^|[,;\s])code=202(?:$|[,;\s])/.test(prefer)
  )
}

function schemaRef(ctx: Ctx): SchemaRef {
  return {
    database: resolveIdentifier(ctx.params.database ?? '', 'database name'),
    schema: resolveIdentifier(ctx.params.schema ?? '', 'schema name'),
  }
}

function repoName(ctx: Ctx): string {
  return resolveIdentifier(ctx.params.name ?? '', 'image repository name')
}

function createMode(ctx: Ctx): CreateMode {
  const raw = ctx.url.searchParams.get('createMode')
  if (raw === null) return 'errorIfExists'
  if (!(CREATE_MODES as readonly string[]).includes(raw)) {
    throw SnowflakeError.badRequest(
      `Invalid value '${raw.slice(0, 80)}' for query parameter createMode; expected one of ${CREATE_MODES.join(', ')}.`,
    )
  }
  return raw as CreateMode
}

function ifExists(ctx: Ctx): boolean {
  return booleanParam(ctx, 'ifExists')
}

function booleanParam(ctx: Ctx, name: string): boolean {
  const raw = ctx.url.searchParams.get(name)
  if (raw === null) return false
  if (raw === 'true' || raw === 'false') return raw === 'true'
  throw SnowflakeError.badRequest(
    `Invalid value '${raw.slice(0, 80)}' for query parameter ${name}; expected true or false.`,
  )
}

/** The contract's 415: a body is JSON unless another media type is named. */
async function readJsonBody(ctx: Ctx): Promise<unknown> {
  const type = ctx.request.headers.get('content-type')
  if (type && !/^application\/json\s*(;|$)/i.test(type)) {
    throw SnowflakeError.ofStatus(
      415,
      `Unsupported media type '${type}'. The API supports application/json only.`,
    )
  }
  // Malformed JSON is a MockStatusError 400, which the Snowflake error wrapper renders.
  return ctx.readJson()
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body)
  if (!parsed.success)
    throw SnowflakeError.badRequest(
      `Invalid ${what} in request body: ${describeZodError(parsed.error)}.`,
    )
  return parsed.data
}

function parseTagList(
  body: unknown,
  schema: typeof tagAssignmentInputSchema | typeof tagReferenceInputSchema,
  what: string,
): TagChange[] {
  if (!Array.isArray(body))
    throw SnowflakeError.badRequest(`Invalid request body: expected an array of ${what}.`)
  if (body.length === 0)
    throw SnowflakeError.badRequest(`Invalid request body: the array of ${what} is empty.`)
  return body.map((item, i) => {
    const tag = parseBody(schema, item, `${what} at index ${i}`)
    return {
      tag_database:
        tag.tag_database === undefined
          ? undefined
          : resolveIdentifier(tag.tag_database, 'tag database'),
      tag_schema:
        tag.tag_schema === undefined ? undefined : resolveIdentifier(tag.tag_schema, 'tag schema'),
      tag_name: resolveIdentifier(tag.tag_name, 'tag name'),
      tag_value: 'tag_value' in tag ? tag.tag_value : undefined,
    }
  })
}

/**
 * @note Names go out as they would have to be written back: bare when upper case and plain,
 * double-quoted otherwise, so a name from a list can be used as a path parameter unchanged.
 */
function serializeRepository(repository: ImageRepository): ImageRepository {
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
