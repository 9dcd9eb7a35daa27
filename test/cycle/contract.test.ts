import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { renderCycleError } from '../../handlers/cycle/errors.ts'
import { CycleError } from '../../handlers/cycle/index.ts'
import { HAVE_CONTRACTS, loadContract } from '../support/contracts.ts'
import { expectCycleShape } from './contract.ts'

const CTX = { requestId: 'r', operationId: 'cycle.getImageSource', method: 'GET', path: '/' }

describe.skipIf(!HAVE_CONTRACTS)('the Cycle contract checks', () => {
  it('refuse a body that breaks the contract, so passing checks mean something', () => {
    expect(() =>
      expectCycleShape('getImageSource', { data: { id: 'not-an-object-id', name: 'x' } }),
    ).toThrow(/does not match the contract/)
    expect(() => expectCycleShape('getJob', { data: null })).toThrow(/does not match/)
  })

  it('need the Error.required patch: the official schema refuses every real Cycle error', () => {
    const body = renderCycleError(CycleError.sourceNotFound('x'), CTX).body
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(ajv)
    ajv.addFormat('objectid', /^[0-9a-f]{24}$/)
    ajv.addSchema(loadContract('cycle/openapi.yaml'), 'raw')
    const unpatched = ajv.compile({ $ref: 'raw#/components/schemas/ErrorEnvelope' })
    expect(unpatched(body)).toBe(false)
    expect(JSON.stringify(unpatched.errors)).toContain(
      "must have required property 'status, code, title'",
    )
    expect(() => expectCycleShape('ErrorEnvelope', body)).not.toThrow()
  })

  it('need 429 added to Error.status: the official enum lacks it though 429.rate-limiting exists', () => {
    const contract = loadContract('cycle/openapi.yaml') as {
      components: { schemas: { Error: { properties: Record<string, { enum: unknown[] }> } } }
    }
    const props = contract.components.schemas.Error.properties as {
      status: { enum: number[] }
      code: { enum: string[] }
    }
    expect(props.status.enum).not.toContain(429)
    expect(props.code.enum).toContain('429.rate-limiting')
  })
})
