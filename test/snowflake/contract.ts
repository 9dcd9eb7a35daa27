import type { ValidateFunction } from 'ajv'
import { assertValid, contractAjv, HAVE_CONTRACTS, loadContract } from '../support/contracts.ts'

export type SnowflakeShape =
  | 'ImageRepository'
  | 'ImageRepository[]'
  | 'Image[]'
  | 'TagAssignment[]'
  | 'SuccessResponse'
  | 'SuccessAcceptedResponse'
  | 'ErrorResponse'
  | 'Database'
  | 'Database[]'
  | 'Schema'
  | 'Schema[]'

let validators: Map<SnowflakeShape, ValidateFunction> | undefined

function load(): Map<SnowflakeShape, ValidateFunction> {
  const ajv = contractAjv()
  ajv.addSchema(loadContract('snowflake/bundled/image-repository.bundled.yaml'), 'repo')
  ajv.addSchema(loadContract('snowflake/bundled/database.bundled.yaml'), 'database')
  ajv.addSchema(loadContract('snowflake/bundled/schema.bundled.yaml'), 'schema')
  const ref = (pointer: string, doc = 'repo') => ({ $ref: `${doc}#/components/schemas/${pointer}` })
  const array = (pointer: string, doc = 'repo') => ({ type: 'array', items: ref(pointer, doc) })
  return new Map<SnowflakeShape, ValidateFunction>([
    ['ImageRepository', ajv.compile(ref('ImageRepository'))],
    ['ImageRepository[]', ajv.compile(array('ImageRepository'))],
    ['Image[]', ajv.compile(array('Image'))],
    ['TagAssignment[]', ajv.compile(array('TagAssignment'))],
    ['SuccessResponse', ajv.compile(ref('SuccessResponse'))],
    ['SuccessAcceptedResponse', ajv.compile(ref('SuccessAcceptedResponse'))],
    ['ErrorResponse', ajv.compile({ ...ref('ErrorResponse') })],
    ['Database', ajv.compile(ref('Database', 'database'))],
    ['Database[]', ajv.compile(array('Database', 'database'))],
    ['Schema', ajv.compile(ref('Schema', 'schema'))],
    ['Schema[]', ajv.compile(array('Schema', 'schema'))],
  ])
}

/**
 * Checks a body against the official Snowflake contract (bundled OpenAPI). Error bodies must also
 * carry every field the mock promises, which the contract leaves optional.
 */
export function expectSnowflakeShape(shape: SnowflakeShape, body: unknown): void {
  if (shape === 'ErrorResponse') {
    const error = body as Record<string, unknown>
    for (const key of ['message', 'code', 'error_code', 'request_id']) {
      if (typeof error[key] !== 'string')
        throw new Error(`error body lacks string ${key}: ${JSON.stringify(body)}`)
    }
  }
  if (!HAVE_CONTRACTS) return
  validators ??= load()
  assertValid(validators.get(shape) as ValidateFunction, body, shape)
  const kind = shape.replace('[]', '')
  if (kind === 'Database' || kind === 'Schema') {
    // The contract allows other properties; the mock promises to send only the contract's.
    const known = contractProperties(kind)
    for (const record of Array.isArray(body) ? body : [body]) {
      const extra = Object.keys(record as object).filter((name) => !known.has(name))
      if (extra.length) throw new Error(`${kind} has properties the contract lacks: ${extra}`)
    }
  }
}

function contractProperties(kind: 'Database' | 'Schema'): Set<string> {
  const file = kind === 'Database' ? 'database' : 'schema'
  const doc = loadContract(`snowflake/bundled/${file}.bundled.yaml`) as {
    components: { schemas: Record<string, { properties: Record<string, unknown> }> }
  }
  return new Set(Object.keys(doc.components.schemas[kind]?.properties ?? {}))
}
