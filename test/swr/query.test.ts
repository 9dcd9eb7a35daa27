import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SwrError } from '../../handlers/swr/errors.ts'
import { parseSharedReposQuery, QUERY_KEYS } from '../../handlers/swr/query.ts'

/** Valid parameter values for both forms (no `|` or `::`, which the legacy form cannot carry). */
const validParams = fc.record(
  {
    center: fc.constantFrom('self', 'thirdparty'),
    namespace: fc.constantFrom('acme-web', 'a.b_c__d-e9', 'x'),
    name: fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,20}$/),
    page: fc
      .tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 20 }))
      .map(([limit, pages]) => ({ limit: String(limit), offset: String(limit * pages) })),
    order: fc.record({
      order_column: fc.constantFrom('name', 'updated_at', 'updated_time', 'tag_count'),
      order_type: fc.constantFrom('asc', 'desc'),
    }),
  },
  { requiredKeys: ['center'] },
)

type Params = typeof validParams extends fc.Arbitrary<infer T> ? T : never

/** The generated parameters as name/value pairs, in a stable order. */
function flatten({ page, order, ...rest }: Params): Array<[string, string]> {
  return Object.entries({ ...rest, ...page, ...order })
}

describe('SWR query parsing (no HTTP)', () => {
  it('reads the discrete and the legacy filter form into the same query (property)', () => {
    fc.assert(
      fc.property(validParams, (params) => {
        const pairs = flatten(params)
        const discrete = parseSharedReposQuery(new URLSearchParams(pairs))
        const filter = pairs.map(([k, v]) => `${k}::${v}`).join('|')
        const legacy = parseSharedReposQuery(new URLSearchParams({ filter }))
        expect(legacy).toEqual(discrete)
        expect(discrete.center).toBe(params.center)
      }),
      { numRuns: 300, seed: 5 },
    )
  })

  it('answers every malformed query with an SwrError 400, never another error (property)', () => {
    const key = fc.constantFrom(...QUERY_KEYS, 'filter', 'other')
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('self', 'thirdparty', '0', '10', '-1', '1e3', 'name', 'asc', '::', '|'),
    )
    const filterValue = fc
      .array(fc.tuple(fc.constantFrom(...QUERY_KEYS, 'x', ''), value), { maxLength: 5 })
      .map((entries) => entries.map(([k, v]) => `${k}::${v}`).join('|'))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.oneof(value, filterValue)), { maxLength: 8 }),
        (pairs) => {
          try {
            parseSharedReposQuery(new URLSearchParams(pairs))
          } catch (error) {
            expect(error).toBeInstanceOf(SwrError)
            expect((error as SwrError).status).toBe(400)
            expect((error as SwrError).message).toMatch(/^Invalid parameter: /)
          }
        },
      ),
      { numRuns: 2000, seed: 11 },
    )
  })
})
