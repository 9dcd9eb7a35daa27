import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { compileQuery, type SearchField } from '../../handlers/rhacs/search.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError } from './contract.ts'
import { call, q, storeOf } from './helpers.ts'

const NAME: SearchField<string> = { label: 'Name', kind: 'string', values: (s) => [s] }

/**
 * Random regexes from the part of the syntax JavaScript and RE2 read alike (no `+` or `,`: the
 * query language splits at them), nested so that they include the patterns that make a
 * backtracking engine slow, such as `(a|aa)*b` and `(.*.*)*`.
 */
const regex = fc
  .letrec<{ atom: string; piece: string; sequence: string; group: string }>((tie) => ({
    atom: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'group' },
      fc.constantFrom('a', 'b', 'A', 'x', '.', '[ab]', '[^a]', '\\d', '\\.'),
      tie('group'),
    ),
    piece: fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '?')).map(([a, quant]) => a + quant),
    sequence: fc.array(tie('piece'), { minLength: 1, maxLength: 3 }).map((p) => p.join('')),
    group: fc
      .array(tie('sequence'), { minLength: 1, maxLength: 3 })
      .map((alternatives) => `(${alternatives.join('|')})`),
  }))
  .sequence.filter((pattern) => pattern.length <= 40)
const anchored = fc
  .tuple(fc.constantFrom('', '^'), regex, fc.constantFrom('', '$'))
  .map((parts) => parts.join(''))
const value = fc
  .array(fc.constantFrom('a', 'A', 'b', 'x', '1', '.'), { minLength: 1, maxLength: 8 })
  .map((c) => c.join(''))

describe('r/ regular expressions', () => {
  it('match as a case-insensitive search anywhere in the value, like a reference engine', () => {
    fc.assert(
      fc.property(anchored, value, (pattern, v) => {
        const compiled = compileQuery(`Name:r/${pattern}`, [NAME], 0)
        // Central lower-cases the pattern, then matches case-insensitively (PostgreSQL's ~*).
        const expected = new RegExp(pattern.toLowerCase(), 'i').test(v)
        expect(compiled.test(v), `${pattern} ~ ${v}`).toBe(expected)
      }),
      { numRuns: 3000 },
    )
  })

  it('accept what RE2 accepts, including patterns a backtracking engine cannot run', () => {
    const long = 'a'.repeat(5_000)
    for (const pattern of ['(a|aa)*b', '(.*.*)*=x', '(a*)*b$|(.*)*!', `${'.*'.repeat(60)}#`]) {
      expect(compileQuery(`Name:r/${pattern}`, [NAME], 0).test(long), pattern).toBe(false)
    }
    expect(compileQuery('Name:r/(a|aa)*b', [NAME], 0).test(`${long}b`)).toBe(true)
  })
})

describe.each(TRANSPORTS)('r/ search through the API (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const fullNames = () =>
    storeOf(h)
      .images.all()
      .map((image) => ({ id: image.id, name: image.name?.fullName ?? '' }))

  it('answers patterns Central accepts, such as (a|aa)*b, with the images they select', async () => {
    // Each with an equivalent that JavaScript runs quickly, to state the expected selection.
    const cases: Array<[string, RegExp]> = [
      ['(a|aa)*b', /b/],
      ['Q(U|u)A*y\\.', /qua*y\./],
      [`${'.*'.repeat(12)}#`, /#/],
      ['(.*.*)*io/', /io\//],
    ]
    for (const [pattern, equivalent] of cases) {
      const response = await call(
        h,
        `/v1/images?query=${q(`Image:r/${pattern}`)}&pagination.limit=0`,
      )
      const body = await response.json()
      expect(response.status, JSON.stringify(body)).toBe(200)
      const want = fullNames()
        .filter((image) => image.name !== '' && equivalent.test(image.name.toLowerCase()))
        .map((image) => image.id)
        .sort()
      expect(body.images.map((image: { id: string }) => image.id).sort(), pattern).toEqual(want)
    }
  })

  it('counts with the same patterns on /v1/imagescount', async () => {
    const pattern = `${'.*'.repeat(12)}#`
    const none = await call(h, `/v1/imagescount?query=${q(`Image:r/${pattern}`)}`)
    expect(await none.json()).toEqual({ count: 0 })
    const quay = await call(h, `/v1/imagescount?query=${q('Image:r/^(q|qu)*ay\\.io/')}`)
    const want = fullNames().filter((image) => image.name.startsWith('quay.io/')).length
    expect(want, 'the scenario has quay.io images').toBeGreaterThan(0)
    expect(await quay.json()).toEqual({ count: want })
  })

  it('answers 400 with RE2 error text for syntax RE2 refuses (lookahead, backreference)', async () => {
    await expectRhacsError(
      await call(h, `/v1/images?query=${q('Image:r/a(?=b)')}`),
      400,
      3,
      'invalid regexp a(?=b): error parsing regexp: invalid or unsupported Perl syntax: `(?=`: invalid arguments',
    )
    await expectRhacsError(
      await call(h, `/v1/imagescount?query=${q('Image:r/(a)\\1')}`),
      400,
      3,
      'invalid regexp (a)\\1: error parsing regexp: invalid escape sequence: `\\1`: invalid arguments',
    )
  })
})
