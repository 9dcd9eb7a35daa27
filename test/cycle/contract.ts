import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { type CycleOperationId, cycle } from '../../handlers/cycle/index.ts'
import { assertValid, HAVE_CONTRACTS, loadContract } from '../support/contracts.ts'

/** The Cycle operations, whose success bodies the tests check (derived from their definitions). */
export type { CycleOperationId }

/** Statuses and codes of the mock's own transport errors, which the contract has no entry for. */
const MOCK_TRANSPORT_STATUSES = [405, 413]
const MOCK_TRANSPORT_CODES = ['405.method-not-allowed', '413.payload-too-large']

let validators: Map<CycleOperationId | 'ErrorEnvelope', ValidateFunction> | undefined

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
  const contract = patchedContract() as { paths?: Record<string, Record<string, unknown>> }
  ajv.addSchema(contract, 'cycle')
  // A path template is one JSON-pointer token (RFC 6901), percent-encoded for the URI fragment.
  const pointer = (path: string) =>
    encodeURIComponent(path.replaceAll('~', '~0').replaceAll('/', '~1'))
  const map = new Map<CycleOperationId | 'ErrorEnvelope', ValidateFunction>()
  // Each operation's success answer sits in the contract under its path, method and 2xx status,
  // as the definition gives them: a path the contract lacks fails to compile here.
  for (const operation of cycle.operations) {
    const status = Object.keys(operation.docs?.responses ?? {}).find((s) => s.startsWith('2'))
    if (!status) throw new Error(`${operation.id} documents no success response`)
    const responses = (
      contract.paths?.[operation.path]?.[operation.method.toLowerCase()] as {
        responses?: Record<string, unknown>
      }
    )?.responses
    if (!responses?.[status]) {
      throw new Error(
        `cycle.${operation.id}: ${operation.method} ${operation.path} → ${status} is not in cycle/openapi.yaml of the contracts (check the path template, method and success status)`,
      )
    }
    const where = `${pointer(operation.path)}/${operation.method.toLowerCase()}/responses/${status}`
    map.set(
      operation.id,
      ajv.compile({ $ref: `cycle#/paths/${where}/content/application~1json/schema` }),
    )
  }
  map.set('ErrorEnvelope', ajv.compile({ $ref: 'cycle#/components/schemas/ErrorEnvelope' }))
  return map
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
  // Without the contracts the run's first line says what is skipped (test/support/summary-reporter.ts).
  if (!HAVE_CONTRACTS) return
  validators ??= load()
  assertValid(validators.get(shape) as ValidateFunction, body, shape)
}
