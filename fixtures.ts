/**
 * `image-registry-mock/fixtures`: the seeded fixture builders the scenarios use, for arranging
 * state in tests. Side-effect free (unlike `image-registry-mock/matchers`, which also registers
 * vitest matchers).
 *
 * ```ts
 * import { fixtureFaker, snowflakeFixtures } from 'image-registry-mock/fixtures'
 * const repo = snowflakeFixtures.buildImageRepository(fixtureFaker(7), mock.db.snowflake, ref, mock.clock.now())
 * ```
 */

import type { Faker } from '@faker-js/faker'
import { createFaker } from './core/faker.ts'

export * as cycleFixtures from './fixtures/cycle.ts'
export * as rhacsFixtures from './fixtures/rhacs.ts'
export * as snowflakeFixtures from './fixtures/snowflake.ts'
export * as swrFixtures from './fixtures/swr.ts'

/**
 * A faker seeded like the mock's fixtures, for calling the fixture builders deterministically:
 * `snowflakeFixtures.buildImageRepository(fixtureFaker(7), mock.db.snowflake, ref, mock.clock.now())`.
 * `refDate` (ms or a Date) is what "recent" and "past" dates count back from.
 */
export function fixtureFaker(seed = 1, refDate?: number | Date): Faker {
  return createFaker(seed, refDate === undefined ? undefined : new Date(refDate).getTime())
}
