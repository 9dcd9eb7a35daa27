/// <reference types="vitest" preserve="true" />
// The reference stays in the declaration file (an import of vitest does not): `declare module
// 'vitest'` below merges into vitest's Assertion only where vitest's types are loaded, so a test
// file importing these matchers before vitest itself would otherwise see no matchers at all.
/**
 * `image-registry-mock/matchers`: vitest matchers over a mock's request journal. Importing this
 * module registers the matchers with `expect.extend`; {@link setupMatchers} does the same for an
 * `expect` of your own. It also re-exports the fixture builders of `image-registry-mock/fixtures`
 * (their own, side-effect-free entry) for code written before that entry existed.
 *
 * ```ts
 * import 'image-registry-mock/matchers'
 * expect(mock).toHaveReceived('snowflake.createImageRepository', { times: 1 })
 * expect(mock).toHaveReceivedWith('snowflake.createImageRepository', { body: { name: 'repo' }, status: 200 })
 * ```
 */

import { expect } from 'vitest'
import { type ImageRegistryMatchers, imageRegistryMatchers } from './matchers/journal.ts'

export {
  cycleFixtures,
  fixtureFaker,
  rhacsFixtures,
  snowflakeFixtures,
  swrFixtures,
} from './fixtures.ts'
export {
  type ExpectedRequest,
  type ExpectedRetry,
  type ImageRegistryMatchers,
  imageRegistryMatchers,
  type JournalOwner,
  type ReceivedCount,
  type RetryOwner,
} from './matchers/journal.ts'

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat vitest's own declaration to merge with it
  interface Assertion<T = any> extends ImageRegistryMatchers<T> {}
}

/** Registers the matchers with an `expect` (vitest's global one by default). */
export function setupMatchers(
  target: { extend(matchers: typeof imageRegistryMatchers): void } = expect,
): void {
  target.extend(imageRegistryMatchers)
}

setupMatchers()
