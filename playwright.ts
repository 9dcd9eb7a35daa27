/**
 * `image-registry-mock/playwright`: a Playwright Test fixture that gives every test a mock of its
 * own for the pages it opens, and an `expect` with the journal matchers.
 *
 * Each test gets a fresh `createMock(mockOptions)` in the test's process, and `@msw/playwright`
 * routes its browser context's requests through the mock's handlers (`context.route()`): the
 * page's calls to the vendors' APIs are answered by that mock, everything else goes to the
 * network. Nothing is shared, so tests on parallel workers (separate processes, separate
 * contexts) never see each other's records, fault rules or journals; the page needs no service
 * worker and no `X-Mock-Session` header.
 *
 * ```ts
 * import { expect, test } from 'image-registry-mock/playwright'
 *
 * test('shows a retry banner when Snowflake is down', async ({ page, mock }) => {
 *   mock.faults.add({ match: { operation: 'snowflake.listImageRepositories' }, effect: { status: 503 }, times: 1 })
 *   await page.goto('/repositories')
 *   await expect(page.getByRole('alert')).toHaveText(/try again/)
 *   await expect(mock).toHaveReceived('snowflake.listImageRepositories', { times: 1 })
 * })
 * ```
 * @note Requires `@playwright/test` and `@msw/playwright` (optional peer dependencies), which
 * route requests with `context.route()`: requests a service worker of the page makes itself are
 * not routed (Playwright's limitation), and `@msw/playwright` supports msw 2.
 */

import { defineNetworkFixture, type NetworkFixture } from '@msw/playwright'
import {
  expect as baseExpect,
  test as baseTest,
  type ExpectMatcherState,
  type MatcherReturnType,
} from '@playwright/test'
import type { MockOptions } from './core/mock.ts'
import type { JournalOperationPattern } from './handlers/operation-ids.ts'
import { createMock, type Mock } from './index.ts'
import {
  type ExpectedRequest,
  type ExpectedRetry,
  imageRegistryMatchers,
  type JournalOwner,
  type MatcherContext,
  type ReceivedCount,
  type RetryOwner,
} from './matchers/journal.ts'

export * from './index.ts'
export type {
  ExpectedRequest,
  ExpectedRetry,
  JournalOwner,
  ReceivedCount,
  RetryOwner,
} from './matchers/journal.ts'

/** The mock of one test: a {@link Mock}, plus msw's control of the test's browser context. */
export interface PlaywrightMock extends Mock {
  /**
   * `@msw/playwright`'s network fixture for this test's context: `mock.network.use(handler)`
   * puts an msw handler of your own in front of the mock's for the rest of the test.
   */
  readonly network: NetworkFixture
}

/** The fixtures {@link test} adds. */
export interface MockFixtures {
  /**
   * Options of each test's mock (`createMock()`'s: scenario, seed, auth, …); default `{}`. Set it
   * in the config's `use`, or per file with `test.use({ mockOptions: { scenario: 'empty' } })`.
   */
  mockOptions: MockOptions
  /**
   * This test's mock, answering the vendors' APIs for every page of the test's context. It is
   * set up for every test (an automatic fixture), so no page reaches the real services.
   */
  mock: PlaywrightMock
}

/** Playwright's `test` with the {@link MockFixtures}. */
export const test = baseTest.extend<MockFixtures>({
  mockOptions: [{}, { option: true }],
  mock: [
    async ({ context, mockOptions }, use) => {
      const mock = createMock(mockOptions)
      await mock.ready
      const network = defineNetworkFixture({
        context,
        handlers: mock.handlers,
        // The app's own pages, scripts and APIs go to the network as they would without the mock.
        onUnhandledRequest: 'bypass',
        // A vendor path may end like a file name (a repository named `web.js`): let every request
        // reach the mock's handlers, which claim only the vendors' paths.
        skipAssetRequests: false,
      })
      await network.enable()
      try {
        await use(Object.assign(mock, { network }))
      } finally {
        await network.disable()
      }
    },
    { auto: true },
  ],
})

/**
 * Runs `check` until the assertion holds (a pass, or a fail under `.not`) or the expect timeout
 * passes, as Playwright's web-first assertions do: the page's request may still be on its way.
 */
async function retrying(
  state: ExpectMatcherState,
  check: () => MatcherReturnType,
): Promise<MatcherReturnType> {
  const deadline = Date.now() + state.timeout
  let result = check()
  while (result.pass === state.isNot && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    result = check()
  }
  return result
}

/**
 * The matcher context the journal matchers need. Playwright's leaves out Jest's `equals`, so the
 * journal's values (JSON: strings, numbers, null, arrays, objects) compare here, with Playwright's
 * asymmetric matchers (`expect.any(String)`, `expect.stringMatching(…)`) honoured anywhere.
 */
const context = (state: ExpectMatcherState): MatcherContext => ({
  isNot: state.isNot,
  // Jest's stringify, unlike vitest's, takes no options: it always prints the short form.
  utils: { ...state.utils, stringify: (value, maxDepth) => state.utils.stringify(value, maxDepth) },
  equals: jsonEquals,
})

function jsonEquals(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'object' && expected !== null) {
    const matcher = expected as { asymmetricMatch?: (other: unknown) => boolean }
    if (typeof matcher.asymmetricMatch === 'function') return matcher.asymmetricMatch(actual)
    if (typeof actual !== 'object' || actual === null) return false
    if (Array.isArray(expected) !== Array.isArray(actual)) return false
    const a = actual as Record<string, unknown>
    const e = expected as Record<string, unknown>
    const keys = Object.keys(e)
    return (
      keys.length === Object.keys(a).length &&
      keys.every((key) => Object.hasOwn(a, key) && jsonEquals(a[key], e[key]))
    )
  }
  return Object.is(actual, expected)
}

/**
 * Playwright's `expect` with the journal matchers, as web-first assertions (`await` them): they
 * retry until they hold or the expect timeout passes.
 *
 * - `await expect(mock).toHaveReceived(operation, count?)`: the journal holds requests for
 *   `operation` (an id or a glob such as `snowflake.*`; one that matches no operation throws);
 *   `count` is `{ times?, atLeast?, atMost? }`, at least once without it.
 * - `await expect(mock).toHaveReceivedWith(operation, expected, count?)`: such requests that look
 *   like `expected` (`{ method?, path?, query?, body?, status?, fault?, network?, … }`, objects
 *   as subsets; asymmetric matchers such as `expect.any(String)` work anywhere).
 *
 * - `await expect(mock).toHaveRetried(operation, { times?, honouringRetryAfter?, backoff? })`
 *   and `await expect(mock).toHaveNoDuplicateWrites(operation?)`: over the retry chains
 *   (`GET /__mock/retries`).
 *
 * `mock` may also be `mock.session(name)`.
 */
export const expect = baseExpect.extend({
  toHaveReceived(
    this: ExpectMatcherState,
    mock: JournalOwner,
    operation: JournalOperationPattern,
    count?: ReceivedCount,
  ) {
    return retrying(this, () =>
      imageRegistryMatchers.toHaveReceived.call(context(this), mock, operation, count),
    )
  },
  toHaveReceivedWith(
    this: ExpectMatcherState,
    mock: JournalOwner,
    operation: JournalOperationPattern,
    expected: ExpectedRequest,
    count?: ReceivedCount,
  ) {
    return retrying(this, () =>
      imageRegistryMatchers.toHaveReceivedWith.call(
        context(this),
        mock,
        operation,
        expected,
        count,
      ),
    )
  },
  toHaveRetried(
    this: ExpectMatcherState,
    mock: RetryOwner,
    operation: JournalOperationPattern,
    expected?: ExpectedRetry,
  ) {
    return retrying(this, () =>
      imageRegistryMatchers.toHaveRetried.call(context(this), mock, operation, expected),
    )
  },
  toHaveNoDuplicateWrites(
    this: ExpectMatcherState,
    mock: RetryOwner,
    operation?: JournalOperationPattern,
  ) {
    return retrying(this, () =>
      imageRegistryMatchers.toHaveNoDuplicateWrites.call(context(this), mock, operation),
    )
  },
})
