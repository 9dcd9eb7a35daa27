import { HttpResponse } from 'msw'
import { z } from 'zod'
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
  type Pagination,
  type RhacsStore,
  scanImage,
  unwatchImage,
  watchImage,
} from './model.ts'
import {
  exportLineWireSchema,
  type ImageRecord,
  imageWireSchema,
  listImageWireSchema,
} from './schemas.ts'

type Ctx = OperationContext<RhacsStore>

/**
 * Virtual time one exported image takes, so `timeout` cuts long exports deterministically.
 * @note Central's export time depends on its database; the mock charges 2 ms per image (a
 * 10-second timeout stops an export after 5,000 images), or the real elapsed time when more.
 */
export const EXPORT_MS_PER_IMAGE = 2

const EXPORT_BATCH_IMAGES = 50
const AGGREGATIONS = ['UNSET', 'COUNT', 'MIN', 'MAX'] as const

/**
 * Statuses Central's gateway can answer (every gRPC code it maps); the contract lists only
 * `default`, so `Prefer: code=` may force any of them.
 */
const STATUSES = [400, 401, 403, 404, 409, 429, 499, 500, 501, 503, 504] as const

const QUERY_DOC =
  'Search query: `Field:value[,value…][+Field:value…]`, e.g. `Image Registry:quay.io+Image CVE Count:>5`. Values match by prefix; `"exact"`, `r/regex`, `!` negation, `>`/`<`/`>=`/`<=`/`==` on numbers and dates, `30d` relative days, `*` any value.'

/** `v1.Pagination` as query parameters under a prefix. */
function paginationDocs(prefix: string) {
  return {
    [`${prefix}.limit`]: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Page size; 0 or more than 1000 means 1000'),
    [`${prefix}.offset`]: z.number().int().min(0).optional(),
    [`${prefix}.sortOption.field`]: z
      .string()
      .optional()
      .describe('Search-field label to sort by (default `Last Updated`)'),
    [`${prefix}.sortOption.reversed`]: z.boolean().optional(),
    [`${prefix}.sortOption.aggregateBy.aggrFunc`]: z
      .enum(AGGREGATIONS)
      .optional()
      .describe('Accepted and ignored: not supported over REST'),
    [`${prefix}.sortOption.aggregateBy.distinct`]: z.boolean().optional(),
  }
}

const ok = (description: string, schema?: z.ZodType): OperationDocs['responses'] => ({
  200: { description, ...(schema ? { schema } : {}) },
})
const empty = z.strictObject({})

/** Every REST operation of ImageService, at its real path. */
export const rhacsOperations = [
  rhacsOperation({
    id: 'ImageService_ListImages',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    docs: {
      query: z.object({
        query: z.string().optional().describe(QUERY_DOC),
        ...paginationDocs('pagination'),
      }),
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
      const params = new GatewayParams(ctx.url.searchParams)
      const query = params.string('query')
      const pagination = params.pagination('pagination')
      const view = new ImageView(ctx.store, ctx.clock.now())
      const images = listImages(view, query, pagination)
      return HttpResponse.json({ images: images.map((image) => encodeListImage(image, view)) })
    },
  }),
  rhacsOperation({
    id: 'ImageService_CountImages',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    docs: {
      query: z.object({
        query: z.string().optional().describe(QUERY_DOC),
        ...paginationDocs('pagination'),
      }),
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
      const params = new GatewayParams(ctx.url.searchParams)
      const query = params.string('query')
      // Parsed (so malformed values still get a 400) but ignored, as Central ignores them.
      params.pagination('pagination')
      const view = new ImageView(ctx.store, ctx.clock.now())
      return HttpResponse.json({ count: countImages(view, query) })
    },
  }),
  rhacsOperation({
    id: 'ImageService_DeleteImages',
    permission: { resource: 'Image', access: 'READ_WRITE_ACCESS' },
    docs: {
      query: z.object({
        'query.query': z
          .string()
          .optional()
          .describe(`${QUERY_DOC} Some query.* parameter is required (it scopes the delete).`),
        ...paginationDocs('query.pagination'),
        confirm: z.boolean().optional().describe('false (default) only counts: a dry run'),
      }),
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
      const params = new GatewayParams(ctx.url.searchParams)
      if (params.has('query')) throw unsupportedMessage('query', 'v1.RawQuery')
      if (params.has('query.pagination')) throw unsupportedMessage('pagination', 'v1.Pagination')
      const confirm = params.bool('confirm')
      const query = params.string('query.query')
      const pagination = params.pagination('query.pagination')
      // A RawQuery exists once any of its fields is given, even as `query.query=`.
      if (!params.hasUnder('query.')) {
        throw new RhacsError(GrpcCode.invalidArgument, 'a scoping query is required')
      }
      const view = new ImageView(ctx.store, ctx.clock.now())
      return HttpResponse.json(deleteImages(view, query, pagination, confirm))
    },
  }),
  rhacsOperation({
    id: 'ImageService_GetImage',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    docs: {
      query: z.object({
        includeSnoozed: z.boolean().optional().describe('Keep snoozed (deferred) CVEs'),
        stripDescription: z.boolean().optional().describe('Blank every CVE summary'),
      }),
      responses: ok('The image', imageWireSchema),
    },
    statuses: STATUSES,
    method: 'GET',
    path: '/v1/images/{id}',
    summary: 'GetImage returns the image given its ID.',
    handle(ctx) {
      const params = new GatewayParams(ctx.url.searchParams)
      const includeSnoozed = params.bool('includeSnoozed')
      const stripDescription = params.bool('stripDescription')
      const image = getImage(ctx.store, ctx.params.id ?? '')
      const view = new ImageView(ctx.store, ctx.clock.now())
      return HttpResponse.json(encodeImage(image, view, { includeSnoozed, stripDescription }))
    },
  }),
  rhacsOperation({
    id: 'ImageService_ExportImages',
    permission: { resource: 'Image', access: 'READ_ACCESS' },
    docs: {
      query: z.object({
        timeout: z
          .number()
          .int()
          .optional()
          .describe('Seconds before the stream ends with a DeadlineExceeded error line; 0 = none'),
        query: z.string().optional().describe(QUERY_DOC),
      }),
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
      const params = new GatewayParams(ctx.url.searchParams)
      const timeout = params.int32('timeout')
      const query = params.string('query')
      const view = new ImageView(ctx.store, ctx.clock.now())
      const images = exportImages(view, query)
      // A negative timeout is a deadline already past: the walk fails before its first image.
      if (timeout < 0) throw RhacsError.deadlineExceeded()
      return new HttpResponse(exportStream(images, view, timeout), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      })
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
      return HttpResponse.json(
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
      return HttpResponse.json({})
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
      return HttpResponse.json({ watchedImages: getWatchedImages(ctx.store) })
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
      return HttpResponse.json(outcome)
    },
  }),
  rhacsOperation({
    id: 'ImageService_UnwatchImage',
    permission: { resource: 'WatchedImage', access: 'READ_WRITE_ACCESS' },
    docs: {
      query: z.object({
        name: z
          .string()
          .optional()
          .describe('The watched name, exactly as GetWatchedImages lists it'),
      }),
      responses: ok('No longer watched (whether or not it was)', empty),
    },
    statuses: STATUSES,
    method: 'DELETE',
    path: '/v1/watchedimages',
    summary: 'UnwatchImage marks an image name to no longer be watched.',
    handle(ctx) {
      const params = new GatewayParams(ctx.url.searchParams)
      unwatchImage(ctx.store, params.string('name'))
      return HttpResponse.json({})
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

function unsupportedMessage(field: string, type: string): RhacsError {
  return RhacsError.badRequest(`parsing field "${field}": unsupported message type: "${type}"`)
}

const camel = (segment: string) =>
  segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/**
 * Query parameters as grpc-gateway reads them into a request message: each path segment may be
 * the proto name (`sort_option`) or the JSON name (`sortOption`); unknown parameters are
 * ignored; a scalar given twice, or not parseable as its type, is a 400.
 */
class GatewayParams {
  readonly #values = new Map<string, string[]>()

  constructor(query: URLSearchParams) {
    for (const [key, value] of query) {
      const canonical = key.split('.').map(camel).join('.')
      const list = this.#values.get(canonical)
      if (list) list.push(value)
      else this.#values.set(canonical, [value])
    }
  }

  has(name: string): boolean {
    return this.#values.has(name)
  }

  hasUnder(prefix: string): boolean {
    return [...this.#values.keys()].some((key) => key.startsWith(prefix))
  }

  #single(name: string): string | undefined {
    const values = this.#values.get(name)
    if (!values) return undefined
    if (values.length > 1) {
      throw RhacsError.badRequest(`too many values for field "${name}": ${values.join(', ')}`)
    }
    return values[0]
  }

  string(name: string): string {
    return this.#single(name) ?? ''
  }

  bool(name: string): boolean {
    const raw = this.#single(name)
    if (raw === undefined) return false
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false
    throw RhacsError.badRequest(
      `parsing field "${leaf(name)}": strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`,
    )
  }

  int32(name: string): number {
    const raw = this.#single(name)
    if (raw === undefined) return 0
    if (!/^[+-]?\d+$/.test(raw)) {
      throw RhacsError.badRequest(
        `parsing field "${leaf(name)}": strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`,
      )
    }
    const value = Number(raw)
    if (value > 2_147_483_647 || value < -2_147_483_648) {
      throw RhacsError.badRequest(
        `parsing field "${leaf(name)}": strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`,
      )
    }
    return value
  }

  /**
   * `v1.Pagination` under a prefix. `aggregateBy` is validated and ignored (the API documents it
   * as unsupported over REST).
   * @note Central passes a negative limit or offset on to its database, which fails; the mock
   * answers 400.
   */
  pagination(prefix: string): Pagination {
    const limit = this.int32(`${prefix}.limit`)
    const offset = this.int32(`${prefix}.offset`)
    if (limit < 0 || offset < 0) {
      const which = limit < 0 ? 'limit' : 'offset'
      throw RhacsError.invalidArgs(
        `${prefix}.${which} must not be negative; got ${limit < 0 ? limit : offset}`,
      )
    }
    const aggregation = this.#single(`${prefix}.sortOption.aggregateBy.aggrFunc`)
    if (
      aggregation !== undefined &&
      !(AGGREGATIONS as readonly string[]).includes(aggregation) &&
      !/^[0-3]$/.test(aggregation)
    ) {
      throw RhacsError.badRequest(
        `parsing field "aggrFunc": ${JSON.stringify(aggregation)} is not a valid value`,
      )
    }
    this.bool(`${prefix}.sortOption.aggregateBy.distinct`)
    return {
      limit,
      offset,
      sortField: this.string(`${prefix}.sortOption.field`),
      reversed: this.bool(`${prefix}.sortOption.reversed`),
    }
  }
}

function leaf(name: string): string {
  return name.split('.').pop() ?? name
}

type BodyFieldType = 'string' | 'bool'

/** A decoded JSON request body with typed getters. */
interface Body {
  string(name: string): string
  bool(name: string): boolean
}

/**
 * Decodes a JSON body as grpc-gateway's protojson does: an empty body is an empty message,
 * fields may use JSON or proto names, `null` means the default, unknown fields are discarded,
 * and a value of the wrong type is a 400.
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
      const token = Array.isArray(parsed) ? '[' : JSON.stringify(parsed)
      throw RhacsError.badRequest(
        `proto: syntax error (line 1:1): unexpected token ${token}; the body must be a JSON object`,
      )
    }
    for (const [key, value] of Object.entries(parsed)) {
      const name = camel(key)
      // Own keys only: a body field named `constructor` must not find Object's.
      const type = Object.hasOwn(fields, name) ? fields[name] : undefined
      if (type === undefined || value === null) continue
      if (typeof value !== (type === 'string' ? 'string' : 'boolean')) {
        throw RhacsError.badRequest(
          `proto: invalid value for ${type} field ${name}: ${JSON.stringify(value)}`,
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
