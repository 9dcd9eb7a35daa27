import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileGlob } from '../../core/glob.ts'
import { globReference, referenceMatch } from '../support/wildcard-reference.ts'

// Few distinct characters, so that random globs and texts often match; non-ASCII, a character
// whose lower case is two code points (İ), the Kelvin sign and an astral character included.
const TEXT_CHARS = ['a', 'b', 'A', 'B', '.', 'é', 'É', 'İ', 'i', 'K', 'k', '𝒜']
const GLOB_CHARS = [...TEXT_CHARS, '*', '*', '?']
const text = fc.array(fc.constantFrom(...TEXT_CHARS), { maxLength: 14 }).map((c) => c.join(''))
const glob = fc.array(fc.constantFrom(...GLOB_CHARS), { maxLength: 10 }).map((c) => c.join(''))

describe('compileGlob', () => {
  it('agrees with a reference matcher on random globs and texts, ignoring case', () => {
    fc.assert(
      fc.property(glob, text, (g, t) => {
        expect(compileGlob(g).test(t), `${g} ~ ${t}`).toBe(
          referenceMatch(globReference(g), t, true),
        )
      }),
      { numRuns: 3000 },
    )
  })

  it('agrees with a reference matcher on random globs and texts, case-sensitive', () => {
    fc.assert(
      fc.property(glob, text, (g, t) => {
        expect(compileGlob(g, { ignoreCase: false }).test(t), `${g} ~ ${t}`).toBe(
          referenceMatch(globReference(g), t, false),
        )
      }),
      { numRuns: 3000 },
    )
  })

  it('agrees on globs built from the text itself, which match more often', () => {
    const derived = text.chain((t) =>
      fc.tuple(
        fc.constant(t),
        fc
          .array(fc.constantFrom('keep', 'keep', 'one', 'any', 'drop'), {
            minLength: [...t].length,
            maxLength: [...t].length,
          })
          .map((edits) =>
            [...t]
              .map((ch, i) => ({ keep: ch, one: '?', any: '*', drop: '' })[edits[i] as string])
              .join(''),
          ),
      ),
    )
    fc.assert(
      fc.property(derived, ([t, g]) => {
        expect(compileGlob(g).test(t), `${g} ~ ${t}`).toBe(
          referenceMatch(globReference(g), t, true),
        )
      }),
      { numRuns: 2000 },
    )
  })

  it('agrees on segments longer than one machine word (over 32 characters between two *)', () => {
    // Two letters, so that a long segment with ? often matches somewhere in a long text.
    const longText = fc.array(fc.constantFrom('a', 'b', 'é'), { minLength: 40, maxLength: 160 })
    const derived = longText.chain((chars) =>
      fc
        .tuple(
          fc.nat(chars.length - 1),
          fc.integer({ min: 33, max: 100 }),
          fc.array(fc.boolean(), { minLength: 100, maxLength: 100 }),
          fc.constantFrom('', 'a', 'b'),
        )
        .map(([start, size, wild, flip]) => {
          const segment = chars
            .slice(start, start + size)
            .map((ch, i) => (wild[i] ? '?' : i === 40 && flip ? flip : ch))
          return [chars.join(''), `*${segment.join('')}*`] as const
        }),
    )
    fc.assert(
      fc.property(derived, ([t, g]) => {
        expect(compileGlob(g, { ignoreCase: false }).test(t), `${g} ~ ${t}`).toBe(
          referenceMatch(globReference(g), t, false),
        )
      }),
      { numRuns: 1500 },
    )
  })

  it('matches the documented examples', () => {
    expect(compileGlob('snowflake.*').test('snowflake.listImageRepositories')).toBe(true)
    expect(compileGlob('SNOWFLAKE.list*').test('snowflake.listImageRepositories')).toBe(true)
    expect(compileGlob('*.get?mage').test('rhacs.getImage')).toBe(true)
    expect(compileGlob('/v1/*', { ignoreCase: false }).test('/V1/images')).toBe(false)
    expect(compileGlob('a*b*c').test('abbc')).toBe(true)
    expect(compileGlob('a*b*c').test('acb')).toBe(false)
    expect(compileGlob('').test('')).toBe(true)
    // The same text tested case-sensitively, then ignoring case, then case-sensitively again.
    const text = 'SNOWFLAKE.List'
    expect(compileGlob('snowflake.*', { ignoreCase: false }).test(text)).toBe(false)
    expect(compileGlob('snowflake.*').test(text)).toBe(true)
    expect(compileGlob('SNOWFLAKE.*', { ignoreCase: false }).test(text)).toBe(true)
  })

  it('answers pathological globs over long texts (no backtracking)', () => {
    const long = 'a'.repeat(10_000)
    expect(compileGlob(`${'*'.repeat(200)}b`).test(long)).toBe(false)
    expect(compileGlob(`${'*a'.repeat(120)}*b`).test(long)).toBe(false)
    expect(compileGlob(`${'*?'.repeat(120)}*b`).test(long)).toBe(false)
    expect(compileGlob(`*${'a?'.repeat(120)}b*`).test(long)).toBe(false)
    expect(compileGlob(`*${'a?'.repeat(120)}*`).test(long)).toBe(true)
    expect(compileGlob(`${'*a'.repeat(120)}*`).test(long)).toBe(true)
  })
})
