import { describe, expect, it } from 'vitest'
import { builtInScenario, type Scenario } from '../../core/scenario.ts'
import { createMock } from '../../index.ts'
import { seedEveryVendor } from '../../scenarios/every-vendor.ts'
import { scenarios } from '../../scenarios/index.ts'
import { LARGE_COUNT, largeScenario } from '../../scenarios/large.ts'

/**
 * Built-in scenarios seed without schema validation (core/scenario.ts, `builtInScenario`). That
 * is only sound if their builders already make exactly what the schemas output (defaults filled,
 * nothing to strip or transform): each is seeded both ways here and must export byte-identical
 * state. A copy of a scenario object is not built in, so it is validated.
 */
async function stateOf(scenario: Scenario): Promise<string> {
  const mock = createMock({ scenario })
  await mock.ready
  return JSON.stringify(await mock.exportState())
}

describe('built-in scenarios', () => {
  const small = scenarios.filter((s) => s !== largeScenario)
  it.each(small.map((s) => [s.name, s] as const))(
    '%s seeds the same state with its records validated',
    async (_, scenario) => {
      const trusted = await stateOf(scenario)
      expect(trusted.length).toBeGreaterThan(100)
      expect(await stateOf({ ...scenario })).toBe(trusted)
    },
  )

  it(`large's builders (${LARGE_COUNT} records per vendor, here 300) seed the same state validated`, async () => {
    expect(largeScenario.seed.toString()).toContain('seedEveryVendor')
    const sample: Scenario = {
      name: 'large-sample',
      description: 'the large scenario’s builders at a smaller count',
      seed: (world) => seedEveryVendor(world, { count: 300 }),
    }
    const trusted = await stateOf(builtInScenario({ ...sample }))
    expect(await stateOf(sample)).toBe(trusted)
  })

  it('a scenario of a user’s own is validated: an invalid record is refused', async () => {
    const mock = createMock({
      scenario: {
        name: 'broken',
        description: 'a repository without its required fields',
        async seed(world) {
          const { snowflake } = await import('../../handlers/index.ts')
          await world.seed(snowflake, async ({ store }) => {
            await (store.repositories.create as (value: unknown) => Promise<unknown>)({
              name: 42,
            })
          })
        },
      },
    })
    await expect(mock.ready).rejects.toThrow()
  })
})
