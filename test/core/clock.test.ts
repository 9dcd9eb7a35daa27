import { describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'

describe('the session clock refuses bad instants with what it takes and what it got', () => {
  for (const mode of ['step', 'real'] as const) {
    it(`${mode}: set() of a text that is no date`, () => {
      const mock = createMock({ clock: mode === 'real' ? 'real' : undefined })
      expect(() => mock.clock.set('garbage')).toThrow(
        'set() takes an ISO-8601 date-time or ms since the epoch; got "garbage"',
      )
    })

    it(`${mode}: set() past 9999 and a negative advance() are input errors, not bugs`, () => {
      const mock = createMock({ clock: mode === 'real' ? 'real' : undefined })
      expect(() => mock.clock.set(Number.MAX_SAFE_INTEGER)).toThrow(/got 9007199254740991/)
      expect(() => mock.clock.advance(-1)).toThrow(
        'advance() takes a non-negative number of ms; got -1',
      )
      const before = mock.clock.now()
      expect(() => mock.clock.advance(Number.MAX_SAFE_INTEGER)).toThrow(/past 9999/)
      expect(mock.clock.now() - before, 'a refused advance leaves the clock').toBeLessThan(1000)
    })
  }
})
