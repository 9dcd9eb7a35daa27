import { z } from 'zod'
import { jsonResponse } from '../../core/json-response.ts'
import { snowflakeOperation } from './auth.ts'
import { SnowflakeError } from './errors.ts'
import { resolveIdentifier } from './identifiers.ts'
import {
  createImageRepository,
  deleteImageRepository,
  fetchImageRepository,
  fetchResult,
  getTags,
  listImageRepositories,
  listImagesInRepository,
  type SchemaRef,
  setTags,
  type TagChange,
  unsetTags,
} from './model/image-repositories.ts'
import { snowflakeQuery } from './query.ts'
import {
  acceptedResponseSchema,
  createImageRepositoryBodySchema,
  imageRepositorySchema,
  imageWireSchema,
  tagAssignmentInputSchema,
  tagAssignmentWireSchema,
  tagReferenceInputSchema,
} from './records.ts'
import {
  ASYNC_HEADERS,
  accepted,
  answer,
  type Ctx,
  ok,
  okJson,
  parseBody,
  pathIdentifier,
  RESPOND_ASYNC,
  readJsonBody,
  success,
} from './respond.ts'

const BASE = '/api/v2/databases/{database}/schemas/{schema}/image-repositories'
const READ_STATUSES = [200, 202, 400, 401, 403, 404, 405, 429, 500, 503, 504] as const
const WRITE_STATUSES = [200, 202, 400, 401, 403, 404, 405, 408, 409, 429, 500, 503, 504] as const
const TAG_STATUSES = [200, 202, 400, 401, 403, 404, 405, 408, 409, 410, 429, 500, 503, 504] as const

/** Every Snowflake image-repository operation of the contract, plus fetchResult. */
export const imageRepositoryOperations = [
  snowflakeOperation({
    id: 'listImageRepositories',
    permission: 'read',
    query: snowflakeQuery.list,
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('The repositories, by name', z.array(imageRepositorySchema)),
    },
    method: 'GET',
    path: BASE,
    summary: 'Lists image repositories.',
    statuses: WRITE_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const { like } = ctx.query
        const repositories = listImageRepositories(ctx.store, schemaRef(ctx), like)
        return okJson(ctx.store.repositoryJson.array(repositories))
      }),
  }),
  snowflakeOperation({
    id: 'createImageRepository',
    permission: { write: 'schema' },
    query: snowflakeQuery.create,
    docs: {
      headers: ASYNC_HEADERS,
      requestBody: createImageRepositoryBodySchema,
      responses: success('Created (or kept, with ifNotExists)'),
    },
    method: 'POST',
    path: BASE,
    summary: 'Creates an image repository in the specified database and schema.',
    statuses: WRITE_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const ref = schemaRef(ctx)
        const { createMode = 'errorIfExists' } = ctx.query
        const body = parseBody(
          createImageRepositoryBodySchema,
          await readJsonBody(ctx),
          'ImageRepository',
        )
        const name = resolveIdentifier(body.name, 'image repository name')
        return ok({
          status: await createImageRepository(ctx.store, ref, name, createMode, ctx.clock),
        })
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
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const repository = fetchImageRepository(ctx.store, schemaRef(ctx), repoName(ctx))
        return okJson(ctx.store.repositoryJson.of(repository))
      }),
  }),
  snowflakeOperation({
    id: 'deleteImageRepository',
    permission: { write: 'schema' },
    query: snowflakeQuery.ifExists,
    docs: { headers: ASYNC_HEADERS, responses: success('Dropped') },
    method: 'DELETE',
    path: `${BASE}/{name}`,
    summary: 'Deletes an image repository.',
    statuses: READ_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok({
          status: deleteImageRepository(
            ctx.store,
            schemaRef(ctx),
            repoName(ctx),
            ctx.query.ifExists ?? false,
          ),
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
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const images = listImagesInRepository(ctx.store, schemaRef(ctx), repoName(ctx))
        return okJson(ctx.store.imageJson.array(images))
      }),
  }),
  snowflakeOperation({
    id: 'setTags',
    permission: { write: 'schema' },
    query: snowflakeQuery.ifExists,
    docs: {
      headers: ASYNC_HEADERS,
      requestBody: z.array(tagAssignmentInputSchema),
      responses: success('Tags set'),
    },
    method: 'POST',
    path: `${BASE}/{name}:set-tags`,
    summary: 'Set tags on an image repository.',
    statuses: TAG_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const ref = schemaRef(ctx)
        const name = repoName(ctx)
        const exists = ctx.query.ifExists ?? false
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
    permission: { write: 'schema' },
    query: snowflakeQuery.ifExists,
    docs: {
      headers: ASYNC_HEADERS,
      requestBody: z.array(tagReferenceInputSchema),
      responses: success('Tags unset'),
    },
    method: 'POST',
    path: `${BASE}/{name}:unset-tags`,
    summary: 'Unset tags from an image repository.',
    statuses: TAG_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const ref = schemaRef(ctx)
        const name = repoName(ctx)
        const exists = ctx.query.ifExists ?? false
        const tags = parseTagList(await readJsonBody(ctx), tagReferenceInputSchema, 'TagReference')
        return ok({ status: unsetTags(ctx.store, ref, name, tags, exists) })
      }),
  }),
  snowflakeOperation({
    id: 'getTags',
    permission: 'read',
    query: snowflakeQuery.getTags,
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('The tags set on the repository', z.array(tagAssignmentWireSchema)),
    },
    method: 'GET',
    path: `${BASE}/{name}:get-tags`,
    summary: 'Get the tag assignments for an image repository.',
    statuses: TAG_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        ctx.query
        const tags = getTags(ctx.store, schemaRef(ctx), repoName(ctx))
        return okJson(ctx.store.tagAssignmentJson.array(tags))
      }),
  }),
  snowflakeOperation({
    id: 'fetchResult',
    permission: 'read',
    query: snowflakeQuery.fetchResult,
    docs: {
      responses: {
        200: { description: "The finished operation's own body (or its error)" },
        202: { description: 'Still running', schema: acceptedResponseSchema },
      },
    },
    method: 'GET',
    path: '/api/v2/results/{result_handler}',
    summary: 'Check result status or fetch request',
    statuses: [200, 202, 400, 401, 403, 404, 405, 408, 409, 500, 503, 504],
    // Each poll is counted (asyncSettings.ready_polls).
    writes: true,
    async handle(ctx) {
      const handle = ctx.params.result_handler ?? ''
      const result = await fetchResult(ctx.store, handle, ctx.clock)
      if (result.pending) return accepted(handle)
      return jsonResponse(result.body as object, { status: result.status })
    },
  }),
]

function schemaRef(ctx: Ctx): SchemaRef {
  return {
    database: pathIdentifier(ctx, 'database', 'database name'),
    schema: pathIdentifier(ctx, 'schema', 'schema name'),
  }
}

function repoName(ctx: Ctx): string {
  return pathIdentifier(ctx, 'name', 'image repository name')
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
