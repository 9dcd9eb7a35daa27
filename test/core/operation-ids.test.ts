import { describe, expect, expectTypeOf, it } from 'vitest'
import { vendors } from '../../handlers/index.ts'
import { createMock, type OperationId, type VendorName } from '../../index.ts'

describe('the OperationId type', () => {
  it('is derived from the operation definitions: literal ids, not string', () => {
    // Were an id widened to string (a definer without its const type parameter), every string
    // would be an OperationId and misspelt ids in fault rules would compile.
    expectTypeOf<string>().not.toExtend<OperationId>()
    expectTypeOf<string>().not.toExtend<VendorName>()
    expectTypeOf<'cycle.getJob'>().toExtend<OperationId>()
  })

  it('names the operations the mock serves, each once', () => {
    const served = createMock().operationIds
    expect(new Set(served).size).toBe(served.length)
    const defined: OperationId[] = vendors.flatMap((vendor) =>
      vendor.operations.map((operation) => `${vendor.name}.${operation.id}` as OperationId),
    )
    expect([...served].sort()).toEqual(defined.sort())
  })
})
