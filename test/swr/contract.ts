import type { ValidateFunction } from 'ajv'
import { expect } from 'vitest'
import { assertValid, contractAjv, HAVE_CONTRACTS, loadContract } from '../support/contracts.ts'

type SwrShape = 'ListSharedReposDetailsResponseBody' | 'ErrorBody' | 'ContentRangeHeader'

const SCHEMA_ID = 'swr-list-shared-repos-details.schema.json'
let validators: Map<SwrShape, ValidateFunction> | undefined

function load(): Map<SwrShape, ValidateFunction> {
  const ajv = contractAjv()
  ajv.addSchema(loadContract('swr/list-shared-repos-details.schema.json'))
  const ref = (name: SwrShape) => ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${name}` })
  return new Map<SwrShape, ValidateFunction>([
    ['ListSharedReposDetailsResponseBody', ref('ListSharedReposDetailsResponseBody')],
    ['ErrorBody', ref('ErrorBody')],
    ['ContentRangeHeader', ref('ContentRangeHeader')],
  ])
}

/** Checks a value against the derived SWR contract (JSON Schema); skipped without the contracts. */
export function expectSwrShape(shape: SwrShape, value: unknown): void {
  if (!HAVE_CONTRACTS) return
  validators ??= load()
  assertValid(validators.get(shape) as ValidateFunction, value, shape)
}

/**
 * Checks an SWR error response: the status, the contract's error body in its current form
 * (`error_code`/`error_msg`, mirrored in `errors[]`), the code and message, and the request id
 * header. Returns the body.
 */
export async function expectSwrError(
  response: Response,
  status: number,
  code: string,
  message: RegExp,
): Promise<{ error_code: string; error_msg: string; errors: Array<Record<string, string>> }> {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text)
  expectSwrShape('ErrorBody', body)
  expect(body.error_code, 'error_code is an SVCSTG.SWR code').toMatch(/^SVCSTG\.SWR\.\d{7}$/)
  expect(body.error_code).toBe(code)
  expect(body.error_msg).toMatch(message)
  expect(body.errors, 'the legacy errors[] list mirrors the current fields').toEqual([
    { errorCode: body.error_code, errorMessage: body.error_msg, detail: expect.any(String) },
  ])
  expect(response.headers.get('x-request-id'), 'the request id header').toMatch(/^[0-9a-f]{32}$/)
  return body
}

/**
 * Asserts an error of Huawei's API gateway in front of SWR: its status, `APIG.*` code and message
 * in APIG's body `{error_code, error_msg, request_id}` (which SWR's error schema also admits).
 */
export async function expectApigError(
  response: Response,
  status: number,
  code: string,
  message: RegExp,
): Promise<void> {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  const body = JSON.parse(text)
  expectSwrShape('ErrorBody', body)
  expect(body).toEqual({
    error_code: code,
    error_msg: expect.stringMatching(message),
    request_id: response.headers.get('x-request-id'),
  })
  expect(body.request_id, 'the request id').toMatch(/^[0-9a-f]{32}$/)
}
