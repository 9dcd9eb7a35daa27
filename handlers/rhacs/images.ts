import { z } from 'zod'
import { answer } from '../../core/answer.ts'
import { jsonResponse } from '../../core/json-response.ts'
import type { OperationContext, OperationDocs } from '../../core/vendor.ts'
import { rhacsOperation } from './auth.ts'
import { encodeImage, encodeListImage } from './encoding.ts'
import { GrpcCode, RhacsError, streamErrorChunk } from './errors.ts'
import {
  countImages,
  deleteImages,
  exportImages,
  getImage,
  getWatchedImages,
  ImageView,
  listImages,
  scanImage,
  unwatchImage,
  watchImage,
} from './model.ts'
import {
  camel,
  gatewayBool,
  gatewayInt32,
  gatewayMessage,
  gatewayString,
  paginationOf,
  paginationShape,
  topLevelKeys,
} from './query.ts'
import {
  exportLineWireSchema,
  type ImageRecord,
  imageWireSchema,
  listImageWireSchema,
} from './records.ts'
import type { RhacsStore } from './store.ts'

type Ctx = OperationContext<RhacsStore>

/**
 * Virtual time one exported image takes, so `timeout` cuts long exports deterministically.
 * @note Central's export time depends on its database; the mock charges 2 ms per image (a
 * 10-second timeout stops an export after 5,000 images), or the real elapsed time when more.
 */
export const EXPORT_MS_PER_IMAGE = 2

const EXPORT_BATCH_IMAGES = 50

/**
 * Statuses Central's gateway can answer (every gRPC code it maps); the contract lists only
 * `default`, so `Prefer: code=` may force any of them.
 */
const STATUSES = [400, 401, 403, 404, 409, 429, 499, 500, 501, 503, 504] as const

const QUERY_DOC =
  'Search query: `Field:value[,value…][+Field:value…]`, e.g. `Image Registry:quay.io+Image CVE Count:>5`. Values match by prefix; `"exact"`, `r/regex`, `!` negation, `>`/`<`/`>=`/`<=`/`==` on numbers and dates, `30d` relative days, `*` any value.'

/** `v1.Pagination` as query parameters under a prefix. */
const ok = (description: string, schema?: z.ZodType): OperationDocs['responses'] => ({
  200: { description, ...(schema ? { schema } : {}) },
})
const empty = z.strictObject({})

/** `v1.RawQuery`: a search query and its pagination (ListImages, CountImages). */
const rawQuery = z
  .object({
    query: gatewayString('query').describe(QUERY_DOC),
    ...paginationShape('pagination'),
  })
  .transform((q) => ({ query: q.query ?? '', pagination: paginationOf('pagination', q) }))

/** Every REST operation of ImageService, at its real path. */
export const imageOperations = [
  rhacsOperation({
    id: 'ImageService_ListImages',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    query: rawQuery,
    docs: {
      responses: ok(
        'The matching images (ListImage projection), sorted and paged',
        z.strictObject({ images: z.array(listImageWireSchema) }),
      ),
    },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/images',
    summary: 'ListImages returns all the images that match the input query.',
    handle(ctx) {
      const { query, pagination } = ctx.query
      const view = new ImageView(ctx.store, ctx.clock.now())
      const images = listImages(view, query, pagination)
      return jsonResponse({ images: images.map((image) => encodeListImage(image, view)) })
    },
  }),
  rhacsOperation({
    id: 'ImageService_CountImages',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    query: rawQuery,
    docs: {
      responses: ok(
        'How many images match; pagination is ignored',
        z.strictObject({ count: z.number().int() }),
      ),
    },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/imagescount',
    summary: 'CountImages returns a count of images that match the input query.',
    handle(ctx) {
      // Pagination is parsed (so malformed values still get a 400) but ignored, as Central does.
      const view = new ImageView(ctx.store, ctx.clock.now())
      return jsonResponse({ count: countImages(view, ctx.query.query) })
    },
  }),
  rhacsOperation({
    id: 'ImageService_DeleteImages',
    permission: { resource: 'Image', access: 'READ_WRITE_ACCESS' },
    query: z
      .looseObject({
        query: gatewayMessage('query', 'v1.RawQuery'),
        'query.pagination': gatewayMessage('pagination', 'v1.Pagination'),
        confirm: gatewayBool('confirm').describe('false (default) only counts: a dry run'),
        'query.query': gatewayString('query.query').describe(
          `${QUERY_DOC} Some query.* parameter is required (it scopes the delete).`,
        ),
        ...paginationShape('query.pagination'),
      })
      .transform((q) => ({
        confirm: q.confirm ?? false,
        query: q['query.query'] ?? '',
        pagination: paginationOf('query.pagination', q),
        // A RawQuery exists once any of its fields is given, even as `query.query=`.
        scoped: Object.entries(q).some(
          ([key, value]) => key.startsWith('query.') && value !== undefined,
        ),
      })),
    docs: {
      responses: ok(
        'How many images matched (and were deleted unless a dry run)',
        z.strictObject({ numDeleted: z.number().int(), dryRun: z.boolean() }),
      ),
    },
    statuses: STATUSES,
    method: 'DELETE',
    path: '/v1/images',
    summary: 'DeleteImage removes the images based on a query',
    handle(ctx) {
      const { confirm, query, pagination, scoped } = ctx.query
      // A RawQuery exists once any of its fields is given, even as `query.query=`.
      if (!scoped) {
        throw new RhacsError(GrpcCode.invalidArgument, 'a scoping query is required')
      }
      const view = new ImageView(ctx.store, ctx.clock.now())
      return jsonResponse(deleteImages(view, query, pagination, confirm))
    },
  }),
  rhacsOperation({
    id: 'ImageService_GetImage',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    query: z.object({
      includeSnoozed: gatewayBool('includeSnoozed').describe('Keep snoozed (deferred) CVEs'),
      stripDescription: gatewayBool('stripDescription').describe('Blank every CVE summary'),
    }),
    docs: {
      responses: ok('The image', imageWireSchema),
    },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/images/{id}',
    summary: 'GetImage returns the image given its ID.',
    handle(ctx) {
      const includeSnoozed = ctx.query.includeSnoozed ?? false
      const stripDescription = ctx.query.stripDescription ?? false
      const image = getImage(ctx.store, ctx.params.id ?? '')
      const view = new ImageView(ctx.store, ctx.clock.now())
      return jsonResponse(encodeImage(image, view, { includeSnoozed, stripDescription }))
    },
  }),
  rhacsOperation({
    id: 'ImageService_ExportImages',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    query: z.object({
      timeout: gatewayInt32('timeout').describe(
        'Seconds before the stream ends with a DeadlineExceeded error line; 0 = none',
      ),
      query: gatewayString('query').describe(QUERY_DOC),
    }),
    docs: {
      responses: {
        200: {
          description:
            'A stream of JSON objects, one per line: `{"result":{"image":…}}`, and `{"error":…}` last when the stream fails',
          schema: exportLineWireSchema,
        },
      },
    },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/export/images',
    summary: 'ExportImages streams every image that matches the query, one JSON object per line.',
    handle(ctx) {
      const timeout = ctx.query.timeout ?? 0
      const query = ctx.query.query ?? ''
      const view = new ImageView(ctx.store, ctx.clock.now())
      const images = exportImages(view, query)
      // A negative timeout is a deadline already past: the walk fails before its first image.
      if (timeout < 0) throw RhacsError.deadlineExceeded()
      return answer(
        { stream: exportStream(images, view, timeout) },
        { headers: { 'Content-Type': 'application/json' } },
      )
    },
  }),
  rhacsOperation({
    id: 'ImageService_ScanImage',
    permission: { resource: 'Image', access: 'READ_WRITE_ACCESS' },
    docs: {
      requestBody: z.object({
        imageName: z.string().describe('e.g. `nginx:1.25`, `quay.io/org/app@sha256:…`'),
        force: z.boolean().optional().describe('Rescan even when a scan is cached'),
        includeSnoozed: z.boolean().optional(),
        cluster: z.string().optional().describe('Delegate the scan to this cluster (name or id)'),
        namespace: z.string().optional(),
      }),
      responses: ok('The scanned image, as stored', imageWireSchema),
    },
    statuses: STATUSES,
    method: 'POST',
    path: '/v1/images/scan',
    summary: 'ScanImage scans a single image and returns the result',
    async handle(ctx) {
      const body = readBody(ctx, {
        imageName: 'string',
        force: 'bool',
        includeSnoozed: 'bool',
        cluster: 'string',
        namespace: 'string',
      })
      const image = await scanImage(
        ctx.store,
        { random: ctx.random, clock: ctx.clock },
        {
          imageName: body.string('imageName'),
          force: body.bool('force'),
          cluster: body.string('cluster'),
        },
      )
      const view = new ImageView(ctx.store, ctx.clock.now())
      return jsonResponse(
        encodeImage(image, view, {
          includeSnoozed: body.bool('includeSnoozed'),
          stripDescription: false,
        }),
      )
    },
  }),
  rhacsOperation({
    id: 'ImageService_InvalidateScanAndRegistryCaches',
    permission: { resource: 'Image', access: 'READ_WRITE_ACCESS' },
    docs: { responses: ok('Caches dropped', empty) },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/images/cache/invalidate',
    summary: 'InvalidateScanAndRegistryCaches removes the image metadata cache.',
    handle() {
      // The mock keeps no metadata cache: every scan already reads the store afresh.
      return jsonResponse({})
    },
  }),
  rhacsOperation({
    id: 'ImageService_GetWatchedImages',
    permission: { resource: 'WatchedImage', access: 'READ_ACCESS' },
    docs: {
      responses: ok(
        'The watched names',
        z.strictObject({ watchedImages: z.array(z.strictObject({ name: z.string() })) }),
      ),
    },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/watchedimages',
    summary: 'GetWatchedImages returns the list of image names that are currently being watched.',
    handle(ctx) {
      return jsonResponse({ watchedImages: getWatchedImages(ctx.store) })
    },
  }),
  rhacsOperation({
    id: 'ImageService_WatchImage',
    permission: { resource: 'WatchedImage', access: 'READ_WRITE_ACCESS' },
    docs: {
      requestBody: z.object({
        name: z.string().describe('Fully qualified name with a tag and without a digest'),
      }),
      responses: ok(
        'The normalized name, or why the image cannot be watched (still 200)',
        z.strictObject({
          normalizedName: z.string(),
          errorType: z.enum([
            'NO_ERROR',
            'INVALID_IMAGE_NAME',
            'NO_VALID_INTEGRATION',
            'SCAN_FAILED',
          ]),
          errorMessage: z.string(),
        }),
      ),
    },
    statuses: STATUSES,
    method: 'POST',
    path: '/v1/watchedimages',
    summary: 'WatchImage marks an image name as to be watched.',
    async handle(ctx) {
      const body = readBody(ctx, { name: 'string' })
      const outcome = await watchImage(
        ctx.store,
        { random: ctx.random, clock: ctx.clock },
        body.string('name'),
      )
      return jsonResponse(outcome)
    },
  }),
  rhacsOperation({
    id: 'ImageService_UnwatchImage',
    permission: { resource: 'WatchedImage', access: 'READ_WRITE_ACCESS' },
    query: z.object({
      name: gatewayString('name').describe(
        'The watched name, exactly as GetWatchedImages lists it',
      ),
    }),
    docs: {
      responses: ok('No longer watched (whether or not it was)', empty),
    },
    statuses: STATUSES,
    method: 'DELETE',
    path: '/v1/watchedimages',
    summary: 'UnwatchImage marks an image name to no longer be watched.',
    handle(ctx) {
      unwatchImage(ctx.store, ctx.query.name ?? '')
      return jsonResponse({})
    },
  }),
]

/**
 * Streams `{"result":{"image":…}}` lines in batches, encoding each batch only when the client
 * pulls it. When the timeout passes, the stream ends with grpc-gateway's error line
 * `{"error":{"code":4,"message":"context deadline exceeded","details":[]}}`.
 */
function exportStream(
  images: ImageRecord[],
  view: ImageView,
  timeoutSeconds: number,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const started = performance.now()
  const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 : Number.POSITIVE_INFINITY
  let index = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const lines: string[] = []
        while (index < images.length && lines.length < EXPORT_BATCH_IMAGES) {
          const elapsed = Math.max(performance.now() - started, (index + 1) * EXPORT_MS_PER_IMAGE)
          if (elapsed > deadline) {
            lines.push(JSON.stringify(streamErrorChunk(RhacsError.deadlineExceeded()).body))
            controller.enqueue(encoder.encode(`${lines.join('\n')}\n`))
            controller.close()
            index = images.length
            return
          }
          const image = images[index++] as ImageRecord
          lines.push(JSON.stringify({ result: { image: encodeImage(image, view) } }))
        }
        if (lines.length > 0) controller.enqueue(encoder.encode(`${lines.join('\n')}\n`))
        if (index >= images.length) controller.close()
      },
    },
    { highWaterMark: 1 },
  )
}

type BodyFieldType = 'string' | 'bool'

/**
 * The JSON token a value starts with, as protojson's errors quote it (`Token.RawString`,
 * google.golang.org/protobuf internal/encoding/json): `{` or `[` for an object or array, the
 * whole literal for a scalar. Never walks a nested value, so its depth costs nothing.
 */
function rawToken(value: unknown): string {
  if (Array.isArray(value)) return '['
  if (typeof value === 'object' && value !== null) return '{'
  return JSON.stringify(value)
}

/** A decoded JSON request body with typed getters. */
interface Body {
  string(name: string): string
  bool(name: string): boolean
}

/**
 * Decodes a JSON body as grpc-gateway's protojson does: an empty body is an empty message,
 * fields may use JSON or proto names, `null` means the default, unknown fields are discarded,
 * and a value of the wrong type, or a known field given twice (`image_name` and `imageName`), is a
 * 400 (google.golang.org/protobuf `encoding/protojson` decode.go, its `duplicate field` error).
 */
function readBody(ctx: Ctx, fields: Record<string, BodyFieldType>): Body {
  const values = new Map<string, string | boolean>()
  const text = ctx.bodyText.trim()
  if (text !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw RhacsError.badRequest(`proto: syntax error: ${(error as Error).message}`)
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const token = rawToken(parsed)
      throw RhacsError.badRequest(
        `proto: syntax error (line 1:1): unexpected token ${token}; the body must be a JSON object`,
      )
    }
    const seen = new Set<string>()
    const fieldsOf = parsed as Record<string, unknown>
    for (const key of topLevelKeys(text)) {
      const value = fieldsOf[key]
      const name = camel(key)
      // Own keys only: a body field named `constructor` must not find Object's.
      const type = Object.hasOwn(fields, name) ? fields[name] : undefined
      if (type === undefined) continue
      // protojson refuses a known field given twice, under either of its names, null or not.
      if (seen.has(name))
        throw RhacsError.badRequest(`proto: duplicate field ${JSON.stringify(key)}`)
      seen.add(name)
      if (value === null) continue
      if (typeof value !== (type === 'string' ? 'string' : 'boolean')) {
        throw RhacsError.badRequest(
          `proto: invalid value for ${type} field ${name}: ${rawToken(value)}`,
        )
      }
      values.set(name, value as string | boolean)
    }
  }
  return {
    string: (name) => (values.get(name) as string | undefined) ?? '',
    bool: (name) => (values.get(name) as boolean | undefined) ?? false,
  }
}
