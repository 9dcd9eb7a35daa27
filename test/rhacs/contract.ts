import type { ValidateFunction } from 'ajv'
import { expect } from 'vitest'
import type { z } from 'zod'
import {
  exportLineWireSchema,
  imageWireSchema,
  listImageWireSchema,
  rhacsErrorWireSchema,
} from '../../handlers/rhacs/records.ts'
import {
  assertValid,
  CONTRACTS_DIR,
  contractAjv,
  HAVE_CONTRACTS,
  loadContract,
} from '../support/contracts.ts'

/** Response shapes of `image_service.swagger.json` the tests check. */
export type RhacsShape =
  | 'v1ListImagesResponse'
  | 'v1CountImagesResponse'
  | 'v1DeleteImagesResponse'
  | 'storageImage'
  | 'v1GetWatchedImagesResponse'
  | 'v1WatchImageResponse'
  | 'v1Empty'
  | 'exportLine'
  | 'googleRpcStatus'

/**
 * Fields of a oneof: protojson leaves them out when unset, so they stay optional. Every other
 * field is always present (`EmitUnpopulated`).
 */
const ONEOF_FIELDS: Record<string, readonly string[]> = {
  storageImage: ['components', 'cves', 'fixableCves', 'topCvss'],
  storageListImage: ['components', 'cves', 'fixableCves'],
  storageEmbeddedImageScanComponent: ['layerIndex', 'topCvss'],
  storageImageScan: ['hash'],
  storageEmbeddedVulnerability: ['fixedBy'],
  storageSignature: ['cosign'],
}

type JsonSchema = Record<string, unknown>

/**
 * The swagger, tightened to what the real gateway emits: message-typed and timestamp fields may
 * be `null` (the contract notes: Swagger 2.0 cannot say so), every non-oneof field is required,
 * and objects allow no fields the contract does not name.
 */
function patchedSwagger(): JsonSchema {
  const doc = loadContract('rhacs/image_service.swagger.json') as {
    definitions: Record<string, JsonSchema>
  }
  const definitions = doc.definitions
  const isObjectDefinition = (ref: string) => {
    const name = ref.replace('#/definitions/', '')
    return definitions[name]?.type === 'object' && definitions[name]?.properties !== undefined
  }
  for (const [name, definition] of Object.entries(definitions)) {
    const properties = definition.properties as Record<string, JsonSchema> | undefined
    if (!properties || name === 'protobufAny') continue
    for (const [key, property] of Object.entries(properties)) {
      const ref = property.$ref as string | undefined
      if (ref && isObjectDefinition(ref)) {
        properties[key] = { anyOf: [{ $ref: ref }, { type: 'null' }] }
      } else if (property.format === 'date-time') {
        properties[key] = { ...property, type: ['string', 'null'] }
      }
    }
    const oneofs = ONEOF_FIELDS[name] ?? []
    definition.required = Object.keys(properties).filter((key) => !oneofs.includes(key))
    definition.additionalProperties = false
  }
  // ExtendedRpcStatus adds `error` to google.rpc.Status on unary calls; stream errors lack it.
  const status = definitions.googleRpcStatus as JsonSchema
  ;(status.properties as Record<string, JsonSchema>).error = { type: 'string' }
  status.required = ['code', 'message', 'details']
  return doc
}

let validators: Map<RhacsShape, ValidateFunction> | undefined

function load(): Map<RhacsShape, ValidateFunction> {
  const ajv = contractAjv()
  ajv.addFormat('uint64', /^\d+$/)
  ajv.addSchema(patchedSwagger(), 'rhacs')
  const ref = (name: string) => ({ $ref: `rhacs#/definitions/${name}` })
  const shapes: RhacsShape[] = [
    'v1ListImagesResponse',
    'v1CountImagesResponse',
    'v1DeleteImagesResponse',
    'storageImage',
    'v1GetWatchedImagesResponse',
    'v1WatchImageResponse',
    'v1Empty',
    'googleRpcStatus',
  ]
  const map = new Map<RhacsShape, ValidateFunction>(
    shapes.map((shape) => [shape, ajv.compile(ref(shape))]),
  )
  map.set(
    'exportLine',
    ajv.compile({
      allOf: [{ $ref: 'rhacs#/paths/~1v1~1export~1images/get/responses/200/schema' }],
      minProperties: 1,
      maxProperties: 1,
    }),
  )
  return map
}

/** The mock's own wire schemas (strict zod), checked whether or not the contracts folder exists. */
const WIRE: Partial<Record<RhacsShape, z.ZodType>> = {
  storageImage: imageWireSchema,
  exportLine: exportLineWireSchema,
  googleRpcStatus: rhacsErrorWireSchema,
}

/** Checks a body against the official swagger (patched as the contract notes say) and our zod. */
export function expectRhacsShape(shape: RhacsShape, body: unknown): void {
  const wire = WIRE[shape]
  if (wire) {
    const parsed = wire.safeParse(body)
    if (!parsed.success) throw new Error(`${shape} does not match the wire schema: ${parsed.error}`)
  }
  if (shape === 'v1ListImagesResponse') {
    for (const image of (body as { images: unknown[] }).images) listImageWireSchema.parse(image)
  }
  if (!HAVE_CONTRACTS) return
  validators ??= load()
  assertValid(validators.get(shape) as ValidateFunction, body, shape)
}

/** Whether the contract checks run (the contracts folder sits beside the checkout). */
export const CONTRACT_CHECKS = HAVE_CONTRACTS
  ? `against ${CONTRACTS_DIR}/rhacs`
  : `skipped: no contracts at ${CONTRACTS_DIR} (set CONTRACTS_DIR)`

/**
 * Asserts an RHACS error: HTTP status, gRPC code, message, `error` = `message`, empty details,
 * the request-id header, and the contract's error shape.
 */
export async function expectRhacsError(
  response: Response,
  status: number,
  code: number,
  message: string | RegExp,
): Promise<{ code: number; message: string }> {
  const body = (await response.json()) as { code: number; message: string; error: string }
  expect(response.status, JSON.stringify(body)).toBe(status)
  expect(body.code, 'gRPC code').toBe(code)
  if (typeof message === 'string') expect(body.message).toBe(message)
  else expect(body.message).toMatch(message)
  expect(body.error, 'error repeats message for gateway v1 clients').toBe(body.message)
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expectRhacsShape('googleRpcStatus', body)
  return body
}
