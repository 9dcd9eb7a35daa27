import type { ValidateFunction } from 'ajv'
import { expect } from 'vitest'
import { contractAjv, loadContract } from './contracts.ts'

/**
 * Each vendor's published error catalogue, read from its contract files, and one check that a
 * response is in it. Where a vendor's own catalogue has no entry, the gateway in front of it is the
 * catalogue (grpc-gateway for RHACS, Huawei's API gateway for SWR); those tables are written out
 * here from the gateways' own sources, independently of the mock's code.
 */

/** grpc-gateway's `HTTPStatusFromCode` (runtime/errors.go): gRPC code → HTTP status. */
export const GRPC_GATEWAY_STATUS: Record<number, number> = {
  1: 499,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 400,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
}

/** Huawei API Gateway "Error Codes" of API calls: code → HTTP status (the ones SWR callers meet). */
const APIG_STATUS: Record<string, number> = {
  'APIG.0101': 404,
  'APIG.0201': 413,
  'APIG.0202': 502,
  'APIG.0203': 504,
  'APIG.0308': 429,
}

interface CycleCatalogue {
  statuses: Set<number>
  codes: Set<string>
}

let cycleCatalogue: CycleCatalogue | undefined
let snowflakeStatuses: Set<number> | undefined
let swrCatalogue: { statuses: Set<number>; validate: ValidateFunction } | undefined
let snowflakeValidate: ValidateFunction | undefined

/**
 * Cycle: `Error.status` and `Error.code` enums. The spec's status enum lacks 429 while its code
 * enum has `429.rate-limiting` (a known defect of the spec), so a code's status prefix counts too.
 */
function cycle(): CycleCatalogue {
  if (cycleCatalogue) return cycleCatalogue
  const doc = loadContract('cycle/openapi.yaml') as {
    components: {
      schemas: { Error: { properties: { status: { enum: number[] }; code: { enum: string[] } } } }
    }
  }
  const error = doc.components.schemas.Error.properties
  const codes = new Set(error.code.enum)
  const statuses = new Set([
    ...error.status.enum,
    ...[...codes].map((c) => Number(c.split('.')[0])),
  ])
  cycleCatalogue = { statuses, codes }
  return cycleCatalogue
}

/** Snowflake: the error responses its common.yaml defines (`400BadRequest` … `504GatewayTimeout`). */
function snowflake(): Set<number> {
  if (snowflakeStatuses) return snowflakeStatuses
  const doc = loadContract('snowflake/common.yaml') as {
    components: { responses: Record<string, unknown> }
  }
  snowflakeStatuses = new Set(
    Object.keys(doc.components.responses)
      .map((name) => Number(/^(\d{3})/.exec(name)?.[1]))
      .filter((status) => status >= 400),
  )
  return snowflakeStatuses
}

function snowflakeErrorValidator(): ValidateFunction {
  if (snowflakeValidate) return snowflakeValidate
  const doc = loadContract('snowflake/common.yaml') as {
    components: { schemas: Record<string, unknown> }
  }
  const ajv = contractAjv()
  ajv.addSchema(doc, 'common')
  snowflakeValidate = ajv.compile({ $ref: 'common#/components/schemas/ErrorResponse' })
  return snowflakeValidate
}

/** SWR: the statuses its (derived) contract documents, and its error body schema. */
function swr(): { statuses: Set<number>; validate: ValidateFunction } {
  if (swrCatalogue) return swrCatalogue
  const doc = loadContract('swr/openapi.derived.yaml') as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
  }
  const statuses = new Set<number>()
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      for (const status of Object.keys(operation.responses ?? {})) {
        if (Number(status) >= 400) statuses.add(Number(status))
      }
    }
  }
  const schema = loadContract('swr/list-shared-repos-details.schema.json')
  const ajv = contractAjv()
  ajv.addSchema(schema, 'swr')
  swrCatalogue = { statuses, validate: ajv.compile({ $ref: 'swr#/definitions/ErrorBody' }) }
  return swrCatalogue
}

/** What one error answer said: its status and the vendor's code for it. */
export interface ErrorSeen {
  status: number
  code: string | number
}

/**
 * Asserts that an error answer of `vendor` has a status and code its catalogue publishes, in the
 * vendor's envelope. Redirects are not errors and are not checked here.
 */
export async function expectInCatalogue(
  vendor: string,
  response: Response,
  what: string,
): Promise<ErrorSeen> {
  const status = response.status
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`${what}: ${status} answered a body that is not JSON: ${text.slice(0, 200)}`)
  }
  expect(status, `${what}: an error status`).toBeGreaterThanOrEqual(400)
  if (vendor === 'cycle') {
    const catalogue = cycle()
    const error = (body as { error: { status: number; code: string } }).error
    expect(catalogue.statuses.has(status), `${what}: Cycle status ${status}`).toBe(true)
    expect(catalogue.codes.has(error.code), `${what}: Cycle code ${error.code}`).toBe(true)
    expect(error.status, `${what}: error.status`).toBe(status)
    expect(Number(error.code.split('.')[0]), `${what}: ${error.code} for ${status}`).toBe(status)
    return { status, code: error.code }
  }
  if (vendor === 'snowflake') {
    expect(snowflake().has(status), `${what}: Snowflake status ${status}`).toBe(true)
    const validate = snowflakeErrorValidator()
    expect(validate(body), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true)
    return { status, code: (body as { code: string }).code }
  }
  if (vendor === 'rhacs') {
    // The export stream answers `{error: {code, message, details}}`; unary calls the status itself.
    const rpc = (body as { error?: unknown }).error
    const code = (typeof rpc === 'object' && rpc !== null ? rpc : body) as { code: number }
    expect(Number.isInteger(code.code), `${what}: gRPC code`).toBe(true)
    expect(GRPC_GATEWAY_STATUS[code.code], `${what}: HTTP status of gRPC code ${code.code}`).toBe(
      status,
    )
    return { status, code: code.code }
  }
  if (vendor === 'swr') {
    const catalogue = swr()
    expect(catalogue.validate(body), `${what}: ${JSON.stringify(catalogue.validate.errors)}`).toBe(
      true,
    )
    const code = (body as { error_code: string }).error_code
    if (catalogue.statuses.has(status)) {
      expect(code, `${what}: SWR code`).toMatch(/^SVCSTG\.SWR\.\d{7}$/)
    } else {
      expect(APIG_STATUS[code], `${what}: gateway code ${code} for ${status}`).toBe(status)
    }
    return { status, code }
  }
  throw new Error(`no catalogue for vendor ${vendor}`)
}
