import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { compileLike } from '../../handlers/snowflake/identifiers.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { likeReference, referenceMatch } from '../support/wildcard-reference.ts'

const TEXT_CHARS = ['A', 'B', 'a', 'b', '_', '%', '\\', 'é', 'É', '𝒜']
const PATTERN_CHARS = [...TEXT_CHARS, '%', '_', '\\']
const text = fc.array(fc.constantFrom(...TEXT_CHARS), { maxLength: 14 }).map((c) => c.join(''))
const pattern = fc
  .array(fc.constantFrom(...PATTERN_CHARS), { maxLength: 10 })
  .map((c) => c.join(''))

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe('compileLike', () => {
  it('agrees with a reference matcher on random patterns and names (%, _, \\ escapes, any case)', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(compileLike(p).test(t), `${p} ~ ${t}`).toBe(
          referenceMatch(likeReference(p), t, true),
        )
      }),
      { numRuns: 5000 },
    )
  })

  it('reads \\ as an escape of the next character, and a trailing \\ as itself', () => {
    expect(compileLike('ML\\_%').test('ML_MODELS')).toBe(true)
    expect(compileLike('ML\\_%').test('MLXMODELS')).toBe(false)
    expect(compileLike('100\\%').test('100%')).toBe(true)
    expect(compileLike('100\\%').test('1000')).toBe(false)
    expect(compileLike('A\\').test('a\\')).toBe(true)
  })
})

describe.each(TRANSPORTS)('listImageRepositories with like (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const names = async (like: string) => {
    const response = await h.fetch(`${REPOS}?like=${encodeURIComponent(like)}`, { headers: AUTH })
    expect(response.status, like).toBe(200)
    return ((await response.json()) as Array<{ name: string }>).map((r) => r.name)
  }

  it('answers a pattern of many % over a long name, and selects exactly the names it matches', async () => {
    const long = `A${'A'.repeat(200)}`
    const created = await h.fetch(REPOS, {
      method: 'POST',
      headers: JSON_AUTH,
      body: JSON.stringify({ name: long }),
    })
    expect(created.status).toBe(200)
    const all = await names('%')
    expect(all).toContain(long)
    expect(await names(`${'%'.repeat(500)}B`)).toEqual(all.filter((n) => n.endsWith('B')))
    expect(await names(`${'%a'.repeat(150)}%`)).toEqual([long])
    expect(await names(`${'%a'.repeat(202)}%`)).toEqual([])
    expect(await names(`${'%_'.repeat(300)}%B`)).toEqual([])
    expect(await names(`${'%'.repeat(16)}a`)).toEqual(all.filter((n) => /a$/i.test(n)))
  })
})
