import type { ValidateFunction } from 'ajv'
import { assertValid, contractAjv, HAVE_CONTRACTS, loadContract } from '../support/contracts.ts'

type SnowflakeShape =
  | 'ImageRepository'
  | 'ImageRepository[]'
  | 'Image[]'
  | 'TagAssignment[]'
  | 'SuccessResponse'
  | 'SuccessAcceptedResponse'
  | 'ErrorResponse'

let validators: Map<SnowflakeShape, ValidateFunction> | undefined

function load(): Map<SnowflakeShape, ValidateFunction> {
  const ajv = contractAjv()
  ajv.addSchema(loadContract('snowflake/bundled/image-repository.bundled.yaml'), 'repo')
  const ref = (pointer: string) => ({ $ref: `repo#/components/schemas/${pointer}` })
  const array = (pointer: string) => ({ type: 'array', items: ref(pointer) })
  return new Map<SnowflakeShape, ValidateFunction>([
    ['ImageRepository', ajv.compile(ref('ImageRepository'))],
    ['ImageRepository[]', ajv.compile(array('ImageRepository'))],
    ['Image[]', ajv.compile(array('Image'))],
    ['TagAssignment[]', ajv.compile(array('TagAssignment'))],
    ['SuccessResponse', ajv.compile(ref('SuccessResponse'))],
    ['SuccessAcceptedResponse', ajv.compile(ref('SuccessAcceptedResponse'))],
    ['ErrorResponse', ajv.compile({ ...ref('ErrorResponse') })],
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
}
