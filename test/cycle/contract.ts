import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { assertValid, HAVE_CONTRACTS, loadContract } from '../support/contracts.ts'

/** The operations of the Cycle contract whose success bodies the tests check. */
export type CycleOperationId =
  | 'getImageSources'
  | 'createImageSource'
  | 'getImageSource'
  | 'updateImageSource'
  | 'deleteImageSource'
  | 'updateImageSourceAccess'
  | 'getJob'

/** Where each operation's success response sits in the contract. */
const RESPONSES: Record<CycleOperationId, string> = {
  getImageSources: '/v1/images/sources/get/responses/200',
  createImageSource: '/v1/images/sources/post/responses/201',
  getImageSource: '/v1/images/sources/{sourceId}/get/responses/200',
  updateImageSource: '/v1/images/sources/{sourceId}/patch/responses/200',
  deleteImageSource: '/v1/images/sources/{sourceId}/delete/responses/202',
  updateImageSourceAccess: '/v1/images/sources/{sourceId}/access/patch/responses/200',
  getJob: '/v1/jobs/{jobId}/get/responses/200',
}

/** Statuses and codes of the mock's own transport errors, which the contract has no entry for. */
const MOCK_TRANSPORT_STATUSES = [405, 413]
const MOCK_TRANSPORT_CODES = ['405.method-not-allowed', '413.payload-too-large']

let validators: Map<CycleOperationId | 'ErrorEnvelope', ValidateFunction> | undefined
let warned = false

/**
 * The official Cycle OpenAPI 3.1 document, patched where it is known to be wrong (see
 * ../shared/contracts/README.md): `Error.required` is the single string `"status, code, title"`,
 * which every real error fails, so it becomes the three names; and `Error.status` lacks 429 although
 * `Error.code` lists `429.rate-limiting`, so 429 is added. The mock's two transport statuses
 * (405, 413) and their codes are added too, and only those.
 */
function patchedContract(): Record<string, unknown> {
  const contract = loadContract('cycle/openapi.yaml') as {
    components: { schemas: Record<string, Record<string, unknown>> }
  }
  const error = contract.components.schemas.Error as {
    required: string[]
    properties: { status: { enum: number[] }; code: { enum: string[] } }
  }
  error.required = ['status', 'code', 'title']
  error.properties.status.enum.push(429, ...MOCK_TRANSPORT_STATUSES)
  error.properties.code.enum.push(...MOCK_TRANSPORT_CODES)
  return contract
}

function load(): Map<CycleOperationId | 'ErrorEnvelope', ValidateFunction> {
  // OAS 3.1 is JSON Schema 2020-12; non-strict, since OpenAPI keywords (discriminator…) are unknown to ajv.
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addFormat('objectid', /^[0-9a-f]{24}$/)
  ajv.addSchema(patchedContract(), 'cycle')
  // A path template is one JSON-pointer token (RFC 6901), percent-encoded for the URI fragment.
  const pointer = (path: string) =>
    encodeURIComponent(path.replaceAll('~', '~0').replaceAll('/', '~1'))
  const map = new Map<CycleOperationId | 'ErrorEnvelope', ValidateFunction>()
  for (const [id, where] of Object.entries(RESPONSES) as Array<[CycleOperationId, string]>) {
    const [path = '', ...rest] = splitResponse(where)
    map.set(
      id,
      ajv.compile({
        $ref: `cycle#/paths/${pointer(path)}/${rest.join('/')}/content/application~1json/schema`,
      }),
    )
  }
  map.set('ErrorEnvelope', ajv.compile({ $ref: 'cycle#/components/schemas/ErrorEnvelope' }))
  return map
}

/** `/v1/jobs/{jobId}/get/responses/200` → the path template, then the method and response. */
function splitResponse(where: string): string[] {
  const match = /^(.*)\/(get|post|patch|delete)\/responses\/(\d{3})$/.exec(where)
  if (!match) throw new Error(`bad response location ${where}`)
  return [match[1] as string, match[2] as string, 'responses', match[3] as string]
}

/**
 * Checks a success body against its operation's response schema, or an error body against
 * `ErrorEnvelope`, in the official Cycle contract. Skipped, with one warning, when the contracts
 * folder is not beside the checkout.
 */
export function expectCycleShape(shape: CycleOperationId | 'ErrorEnvelope', body: unknown): void {
  if (shape === 'ErrorEnvelope') {
    const { error, data } = body as { error?: Record<string, unknown>; data?: unknown }
    if (data !== null || typeof error !== 'object' || error === null)
      throw new Error(`not a Cycle error envelope: ${JSON.stringify(body)}`)
    for (const key of ['code', 'title', 'detail']) {
      if (typeof error[key] !== 'string')
        throw new Error(`error lacks string ${key}: ${JSON.stringify(body)}`)
    }
  }
  if (!HAVE_CONTRACTS) {
    if (!warned)
      console.warn('Cycle contract checks skipped: ../shared/contracts is not beside the checkout')
    warned = true
    return
  }
  validators ??= load()
  assertValid(validators.get(shape) as ValidateFunction, body, shape)
}
