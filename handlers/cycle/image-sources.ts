import { z } from 'zod'
import { parseWith, readJsonBody } from '../../core/request-input.ts'
import { cycleOperation } from './auth.ts'
import { CycleError, invalidCycleBody } from './errors.ts'
import {
  createImageSource,
  deleteImageSource,
  getImageSource,
  getImageSourcesJson,
  updateImageSource,
  updateImageSourceAccess,
} from './model/image-sources.ts'
import { cycleQuery, toListQuery } from './query.ts'
import {
  createImageSourceBodySchema,
  imageSourceWireSchema,
  jobDescriptorSchema,
  sourceIncludesSchema,
  updateImageSourceAccessBodySchema,
  updateImageSourceBodySchema,
} from './records.ts'
import { answers, type Ctx, ERROR_STATUSES, ok, okJson, run } from './respond.ts'

const SOURCES = '/v1/images/sources'

const sourceDocument = z.object({ data: imageSourceWireSchema })

/** The six image-source operations. */
export const imageSourceOperations = [
  cycleOperation({
    id: 'getImageSources',
    permission: 'images-sources-view',
    query: cycleQuery.list,
    docs: {
      responses: answers(
        200,
        'A page of the hub’s image sources',
        z.object({
          data: z.array(imageSourceWireSchema),
          includes: sourceIncludesSchema.optional(),
        }),
      ),
    },
    method: 'GET',
    path: SOURCES,
    summary: 'List Image Sources',
    statuses: [200, ...ERROR_STATUSES],
    handle: (ctx) =>
      run(ctx, ({ hub }) => okJson(getImageSourcesJson(ctx.store, hub.id, toListQuery(ctx.query)))),
  }),
  cycleOperation({
    id: 'createImageSource',
    permission: 'images-sources-manage',
    docs: {
      requestBody: createImageSourceBodySchema,
      responses: answers(201, 'The new image source', sourceDocument),
    },
    method: 'POST',
    path: SOURCES,
    summary: 'Create Image Source',
    statuses: [201, ...ERROR_STATUSES],
    handle: (ctx) =>
      run(ctx, async ({ hub, creator }) => {
        const body = parseBody(createImageSourceBodySchema, await readBody(ctx))
        const source = await createImageSource(
          ctx.store,
          hub.id,
          creator,
          body,
          ctx.clock,
          ctx.random,
        )
        return ok({ data: source }, 201)
      }),
  }),
  cycleOperation({
    id: 'getImageSource',
    permission: 'images-sources-view',
    query: cycleQuery.single,
    docs: {
      responses: answers(
        200,
        'The image source',
        sourceDocument.extend({ includes: sourceIncludesSchema.optional() }),
      ),
    },
    method: 'GET',
    path: `${SOURCES}/{sourceId}`,
    summary: 'Get Image Source',
    statuses: [200, ...ERROR_STATUSES],
    handle: (ctx) =>
      run(ctx, ({ hub }) =>
        ok(
          getImageSource(
            ctx.store,
            hub.id,
            sourceId(ctx),
            new Set(ctx.query.include),
            new Set(ctx.query.meta),
          ),
        ),
      ),
  }),
  cycleOperation({
    id: 'updateImageSource',
    permission: 'images-sources-manage',
    docs: {
      requestBody: updateImageSourceBodySchema,
      responses: answers(200, 'The updated image source', sourceDocument),
    },
    method: 'PATCH',
    path: `${SOURCES}/{sourceId}`,
    summary: 'Update Image Source',
    statuses: [200, ...ERROR_STATUSES],
    handle: (ctx) =>
      run(ctx, async ({ hub }) => {
        const body = parseBody(updateImageSourceBodySchema, await readBody(ctx))
        const source = await updateImageSource(ctx.store, hub.id, sourceId(ctx), body, ctx.clock)
        return ok({ data: source })
      }),
  }),
  cycleOperation({
    id: 'deleteImageSource',
    permission: 'images-sources-manage',
    docs: {
      responses: answers(
        202,
        'The deletion job, to follow with getJob',
        z.object({ data: jobDescriptorSchema }),
      ),
    },
    method: 'DELETE',
    path: `${SOURCES}/{sourceId}`,
    summary: 'Delete Image Source',
    statuses: [202, ...ERROR_STATUSES],
    asyncWork: { what: 'a deletion job, polled with getJob' },
    handle: (ctx) =>
      run(ctx, async ({ hub, creator }) => {
        const descriptor = await deleteImageSource(
          ctx.store,
          hub.id,
          sourceId(ctx),
          creator,
          ctx.clock,
          ctx.random,
          ctx.failAsync,
        )
        return ok({ data: descriptor }, 202)
      }),
  }),
  cycleOperation({
    id: 'updateImageSourceAccess',
    permission: 'images-sources-manage',
    docs: {
      requestBody: updateImageSourceAccessBodySchema,
      responses: answers(200, 'The image source with its new ACL', sourceDocument),
    },
    method: 'PATCH',
    path: `${SOURCES}/{sourceId}/access`,
    summary: 'Update Image Source Access',
    statuses: [200, ...ERROR_STATUSES],
    handle: (ctx) =>
      run(ctx, async ({ hub }) => {
        const body = parseBody(updateImageSourceAccessBodySchema, await readBody(ctx))
        const source = await updateImageSourceAccess(
          ctx.store,
          hub.id,
          sourceId(ctx),
          body.acl,
          ctx.clock,
        )
        return ok({ data: source })
      }),
  }),
]

function sourceId(ctx: Ctx): string {
  return ctx.params.sourceId ?? ''
}

/** The JSON object body of a create or update; other media types are `415.invalid-content-type`. */
async function readBody(ctx: Ctx): Promise<unknown> {
  const body = await readJsonBody(ctx, CycleError.unsupportedMediaType)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CycleError(
      422,
      '422.invalid-input',
      'Invalid input',
      'The request body must be a JSON object.',
    )
  }
  return body
}

/** Validates a body; the first problem becomes `422.missing-argument` or `422.invalid-argument`. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseWith(schema, body, invalidCycleBody)
}
