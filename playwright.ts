/**
 * `image-registry-mock/playwright`: a Playwright Test fixture that gives every test a mock of its
 * own for the pages it opens, and an `expect` with the journal matchers.
 *
 * Each test gets a fresh `createMock(mockOptions)` in the test's process, and its browser
 * context's requests go through the mock's msw handlers (`context.route()` and msw's
 * `getResponse()`, the same under msw 2 and msw 3): the page's calls to the vendors' APIs are
 * answered by that mock, everything else goes to the network. Nothing is shared, so tests on
 * parallel workers (separate processes, separate contexts) never see each other's records, fault
 * rules or journals; the page needs no service worker and no `X-Mock-Session` header.
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
 * @note Requires `@playwright/test` (an optional peer dependency) and msw 2.12+ or 3. Playwright
 * hands a routed request's answer over whole, so faults that shape the connection become what the
 * page can see: a dropped connection, garbage, nothing and a truncated body fail the page's
 * `fetch` (`route.abort()`), and a `bytesPerSecond` body arrives whole once the slowed body has
 * been sent. Requests a service worker of the page makes itself are not routed (Playwright's
 * limitation).
 */

import type { BrowserContext, Request as PlaywrightRequest, Route } from '@playwright/test'
import {
  expect as baseExpect,
  test as baseTest,
  type ExpectMatcherState,
  type MatcherReturnType,
} from '@playwright/test'
import { getResponse, type RequestHandler } from 'msw'
import { rawAnswerOf } from './core/answer.ts'
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

/** msw handlers of the test's own, in front of the mock's for the test's browser context. */
export interface MockNetwork {
  /**
   * Puts `handlers` in front of the mock's (and of those given before) for the rest of the test,
   * as msw's `server.use()`: `mock.network.use(http.get(url, () => HttpResponse.json([])))`.
   */
  use(...handlers: RequestHandler[]): void
  /** Drops the handlers {@link use} added: the mock answers alone again. */
  resetHandlers(): void
}

/** The mock of one test: a {@link Mock}, plus handlers of the test's own for its browser context. */
export interface PlaywrightMock extends Mock {
  /** `mock.network.use(handler)` puts an msw handler of your own in front of the mock's. */
  readonly network: MockNetwork
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
      let own: RequestHandler[] = []
      const network: MockNetwork = {
        use: (...handlers) => {
          own = [...handlers, ...own]
        },
        resetHandlers: () => {
          own = []
        },
      }
      const detach = await routeThrough(context, () => [...own, ...mock.handlers])
      try {
        await use(Object.assign(mock, { network }))
      } finally {
        await detach()
      }
    },
    { auto: true },
  ],
})

/** Every URL: the route's identity, so {@link routeThrough} removes only its own. */
const EVERY_URL = /.*/

/**
 * Routes every request of `context` through `handlers()` (read per request, so later
 * `network.use` calls apply) and resolves with the function that stops it. Requests no handler
 * claims, and msw's `passthrough()`, fall back to the context's other routes or the network;
 * requests still waiting on the mock (a `timeout` fault, a slowed body) when it stops, or whose
 * page gave up on them, see their `request.signal` aborted.
 */
async function routeThrough(
  context: BrowserContext,
  handlers: () => RequestHandler[],
): Promise<() => Promise<void>> {
  const stopped = new AbortController()
  const waiting = new Map<PlaywrightRequest, AbortController>()
  const giveUp = (request: PlaywrightRequest) => waiting.get(request)?.abort()
  const handler = async (route: Route, request: PlaywrightRequest) => {
    const aborter = new AbortController()
    waiting.set(request, aborter)
    try {
      await answer(route, request, handlers(), AbortSignal.any([stopped.signal, aborter.signal]))
    } catch (error) {
      // A page that closed or navigated away cannot be answered any more.
      if (!(aborter.signal.aborted || stopped.signal.aborted || isGone(error))) throw error
    } finally {
      waiting.delete(request)
    }
  }
  context.on('requestfailed', giveUp)
  await context.route(EVERY_URL, handler)
  return async () => {
    stopped.abort()
    context.off('requestfailed', giveUp)
    await context.unroute(EVERY_URL, handler).catch(() => {})
  }
}

/** Whether Playwright refused to settle a route because its page or request is gone. */
const isGone = (error: unknown) =>
  error instanceof Error && /already handled|has been closed|Target closed/i.test(error.message)

/** Answers one routed request from `handlers`, as {@link routeThrough} describes. */
async function answer(
  route: Route,
  request: PlaywrightRequest,
  handlers: RequestHandler[],
  signal: AbortSignal,
): Promise<void> {
  const method = request.method()
  const headers = new Headers()
  for (const [name, value] of Object.entries(await request.allHeaders())) {
    // HTTP/2 pseudo-headers (`:authority`) are no header names to fetch.
    if (!name.startsWith(':')) headers.set(name, value)
  }
  const posted = method === 'GET' || method === 'HEAD' ? null : request.postDataBuffer()
  const fetchRequest = new Request(request.url(), {
    method,
    headers,
    body: posted && new Uint8Array(posted),
    signal,
  })
  const referer = request.headers().referer
  const baseUrl = referer && URL.canParse(referer) ? new URL(referer).origin : undefined
  let response: Response | undefined
  try {
    response = await getResponse(handlers, fetchRequest, { baseUrl, quiet: true })
  } catch (error) {
    // A handler of the test that throws: a 500 naming the error, as msw's own setups answer.
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error))
    response = Response.json({ name, message, stack }, { status: 500 })
  }
  if (!response || isPassthrough(response)) return route.fallback()
  if (response.type === 'error') return route.abort(abortCode(response))
  let body: Buffer | undefined
  try {
    body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined
  } catch {
    // A `truncate` fault's body fails after its first bytes. Playwright would deliver a shorter
    // body as if whole, so the page sees the closed connection instead.
    return route.abort('connectionclosed')
  }
  const fulfilled: Record<string, string> = {}
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') fulfilled[name] = value
  }
  const cookies = response.headers.getSetCookie()
  // Playwright splits `set-cookie` at newlines into one header each.
  if (cookies.length > 0) fulfilled['set-cookie'] = cookies.join('\n')
  return route.fulfill({ status: response.status, headers: fulfilled, body })
}

/** msw's `passthrough()` answer (the same in msw 2 and 3; msw 2 exports no check for it). */
const isPassthrough = (response: Response) =>
  response.status === 302 && response.headers.get('x-msw-intention') === 'passthrough'

/**
 * The Chromium error a dropped connection (`Response.error()`) becomes: `empty` closes without a
 * byte (`ERR_CONNECTION_CLOSED`), `garbage` sends no HTTP (`ERR_FAILED`), a reset (or a `timeout`
 * once the mock's ceiling passes) resets (`ERR_CONNECTION_RESET`).
 */
function abortCode(response: Response): 'connectionclosed' | 'failed' | 'connectionreset' {
  const raw = rawAnswerOf(response)
  if (raw === undefined) return 'connectionreset'
  return raw.byteLength === 0 ? 'connectionclosed' : 'failed'
}

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
