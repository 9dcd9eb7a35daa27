/**
 * `image-registry-mock/browser`: the same handlers and control API under msw's `setupWorker`,
 * with every store in the page (or, with `persist: true`, in the page origin's IndexedDB). Serve
 * msw's worker script first: `npx msw init <public dir>`, or under Vite with msw 3, `msw/vite`.
 *
 * ```ts
 * import { startWorker } from 'image-registry-mock/browser'
 * const mock = await startWorker({ scenario: 'default', seed: 1 })
 * // fetch('https://myorg-myaccount.snowflakecomputing.com/api/v2/…') now answers from the mock
 * mock.faults.add({ match: { operation: 'snowflake.*' }, effect: { status: 503 }, times: 2 })
 * ```
 */

import type { HttpHandler } from 'msw'
import { type SetupWorker, setupWorker } from 'msw/browser'
import { IndexedDbPersistence } from './browser/persist-indexeddb.ts'
import type { MockOptions, ResetOptions } from './core/mock.ts'
import { onUnhandled, type UnhandledStrategy } from './core/msw-compat.ts'
import { type DashboardOptions, startDashboard } from './handlers/control/dashboard/app.ts'
import { DASHBOARD_MARKUP } from './handlers/control/dashboard/markup.ts'
import { DASHBOARD_CSS } from './handlers/control/dashboard/style.ts'
import { createMock, type Mock } from './index.ts'

export type { DashboardOptions } from './handlers/control/dashboard/app.ts'
export * from './index.ts'

/** Options of {@link startWorker}: the mock's own, plus how msw's worker starts. */
export interface BrowserMockOptions extends MockOptions {
  /** Where the app serves `mockServiceWorker.js` (default `/mockServiceWorker.js`). */
  serviceWorkerUrl?: string
  /**
   * What happens to requests no handler claims (default `bypass`: the app's own scripts, styles
   * and any API the mock does not serve go to the network untouched; `warn` logs each, `error`
   * fails it). Given to msw 2 as `onUnhandledRequest` and to msw 3 as `onUnhandledFrame`.
   */
  onUnhandledRequest?: UnhandledStrategy
  /** `true` stops msw logging every intercepted request to the console. */
  quiet?: boolean
  /**
   * `true` keeps every session (stores, fault rules with their counters, clock) in the page
   * origin's IndexedDB (database `image-registry-mock`), so a reload starts where the page left
   * off; `mock.reset()` clears it. A request that may change state is saved before its answer
   * reaches the page. Default `false`: a reload starts again from the scenario.
   */
  persist?: boolean
}

/** A mock answering the page's requests through msw's service worker. */
export interface BrowserMock extends Mock {
  worker: SetupWorker
  /** Stops intercepting; the page's requests go to the network again. */
  stop(): void
  /**
   * With `persist: true`, writes every session to IndexedDB now and resolves once it is stored
   * (for changes made from code, such as `mock.faults.add`, which are otherwise saved with the
   * next request or when the page is hidden). Without it, resolves at once.
   */
  saveState(): Promise<void>
}

/**
 * Creates a mock, starts msw's service worker with its handlers and resolves once the worker
 * intercepts and the scenario has filled the stores (with `persist: true`, once the saved sessions
 * are back). Works with msw 2.12+ and msw 3.
 * @note Without `persist`, the store lives in the page: a reload starts again from the scenario.
 */
export async function startWorker(options: BrowserMockOptions = {}): Promise<BrowserMock> {
  const {
    serviceWorkerUrl,
    onUnhandledRequest = 'bypass',
    quiet,
    persist = false,
    ...mockOptions
  } = options
  const mock = createMock(mockOptions)
  await mock.ready
  // Restored before the worker starts, so no request sees the scenario in place of the saved state.
  const persistence = persist ? await IndexedDbPersistence.open(mock) : undefined
  if (persistence) watchAnswers(mock.handlers, persistence)
  const worker = setupWorker(...mock.handlers)
  await worker.start({
    serviceWorker: { url: serviceWorkerUrl ?? '/mockServiceWorker.js' },
    ...onUnhandled(onUnhandledRequest),
    ...(quiet === undefined ? {} : { quiet }),
  })
  const saveOnHide = () => void persistence?.save().catch(() => {})
  if (persistence) addEventListener('pagehide', saveOnHide)
  const resetMock = mock.reset.bind(mock)
  return Object.assign(mock, {
    worker,
    async reset(resetOptions?: ResetOptions) {
      await resetMock(resetOptions)
      await persistence?.clear()
    },
    saveState: async () => persistence?.save(),
    stop() {
      worker.stop()
      if (persistence) {
        removeEventListener('pagehide', saveOnHide)
        persistence.close()
      }
    },
  })
}

/**
 * Lets `persistence` see every answer the mock's handlers give, before msw delivers it. `run` is
 * what msw 2 and 3 (and `getResponse`) call on a handler; it resolves with the answer or `null`.
 */
function watchAnswers(handlers: HttpHandler[], persistence: IndexedDbPersistence): void {
  for (const handler of handlers) {
    const run = handler.run.bind(handler)
    handler.run = async (args) => {
      const result = await run(args)
      if (result?.response) await persistence.afterAnswer(args.request)
      return result
    }
  }
}

/** A dashboard mounted into the page. */
export interface MountedDashboard {
  /** Stops polling and empties the container's shadow root. */
  unmount(): void
}

/**
 * Renders the `/__mock/` dashboard into `container` (inside a shadow root, so neither the app's
 * styles nor its ids collide). Under the worker this is how to see the dashboard: msw never
 * intercepts page navigations, so the page itself cannot be served at `/__mock/`. The dashboard
 * talks to the control API with `fetch`, which the worker answers from the page's mock.
 */
export function mountDashboard(
  container: Element,
  options: DashboardOptions = {},
): MountedDashboard {
  const shadow = container.shadowRoot ?? container.attachShadow({ mode: 'open' })
  // A constructed stylesheet rather than a <style> element: a strict Content-Security-Policy
  // (no 'unsafe-inline' styles) allows it.
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(DASHBOARD_CSS)
  shadow.adoptedStyleSheets = [sheet]
  shadow.innerHTML = DASHBOARD_MARKUP
  const app = startDashboard(shadow, options)
  return {
    unmount() {
      app.stop()
      shadow.replaceChildren()
      shadow.adoptedStyleSheets = []
    },
  }
}
