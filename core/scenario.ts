import type { Clock } from './clock.ts'
import { createFaker } from './faker.ts'
import type { FaultRuleInput } from './faults.ts'
import { createRandom, hashSeed } from './random.ts'
import type { AnyVendor, ScenarioOptions, SeedContext, VendorOf } from './vendor.ts'

/** Lets a scenario fill one vendor's store with a seeded faker and random stream of its own. */
export interface World {
  seed<Store>(
    vendor: VendorOf<Store>,
    fill: (ctx: SeedContext<Store>) => Promise<void>,
    options?: ScenarioOptions,
  ): Promise<void>
}

/** Scenarios whose records are taken as their builders make them (see {@link builtInScenario}). */
const BUILT_IN = new WeakSet<Scenario>()

/**
 * Marks one of the mock's own scenarios: its records skip their schemas' validation when seeded,
 * about half of seeding's cost (and of a default start-up's). test/core/built-in-scenarios.test.ts
 * proves that each one seeds byte-identical state with validation on, so nothing is lost; a
 * scenario of a user's own is always validated.
 */
export function builtInScenario<S extends Scenario>(scenario: S): S {
  BUILT_IN.add(scenario)
  return scenario
}

/** Whether {@link builtInScenario} marked this scenario. */
export function isBuiltIn(scenario: Scenario): boolean {
  return BUILT_IN.has(scenario)
}

/** A named starting state: fills the stores and may preset fault rules. */
export interface Scenario {
  name: string
  description: string
  seed(world: World): Promise<void>
  faults?: readonly FaultRuleInput[]
}

/** What a scenario fills: a session's seed, clock and stores (the session, seen narrowly). */
export interface SeedTarget {
  readonly seed: number
  readonly clock: Clock
  store(vendor: AnyVendor): unknown
}

/** Builds the World for a session: each vendor gets streams derived from the seed and its name. */
export function worldFor(session: SeedTarget): World {
  return {
    async seed<Store>(
      vendor: VendorOf<Store>,
      fill: (ctx: SeedContext<Store>) => Promise<void>,
      options: ScenarioOptions = {},
    ) {
      const faker = createFaker(hashSeed(session.seed, 'faker', vendor.name), session.clock.now())
      await fill({
        store: session.store(vendor) as Store,
        faker,
        random: createRandom(hashSeed(session.seed, 'fixtures', vendor.name)),
        clock: session.clock,
        options,
      })
    },
  }
}
