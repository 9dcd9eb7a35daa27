/**
 * `image-registry-mock/browser`: the same handlers and control API under msw's `setupWorker`,
 * with every store in the page. Serve msw's worker script first (`npx msw init <public dir>`).
 *
 * ```ts
 * import { startWorker } from 'image-registry-mock/browser'
 * const mock = await startWorker({ scenario: 'default', seed: 1 })
 * // fetch('https://myorg-myaccount.snowflakecomputing.com/api/v2/…') now answers from the mock
 * mock.faults.add({ match: { operation: 'snowflake.*' }, effect: { status: 503 }, times: 2 })
 * ```
 */

import { type SetupWorker, type StartOptions, setupWorker } from 'msw/browser'
import type { MockOptions } from './core/mock.ts'
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
   * and any API the mock does not serve go to the network untouched).
   */
  onUnhandledRequest?: StartOptions['onUnhandledRequest']
  /** `true` stops msw logging every intercepted request to the console. */
  quiet?: boolean
}

/** A mock answering the page's requests through msw's service worker. */
export interface BrowserMock extends Mock {
  worker: SetupWorker
  /** Stops intercepting; the page's requests go to the network again. */
  stop(): void
}

/**
 * Creates a mock, starts msw's service worker with its handlers and resolves once the worker
 * intercepts and the scenario has filled the stores.
 * @note The store lives in the page: a reload starts again from the scenario.
 */
export async function startWorker(options: BrowserMockOptions = {}): Promise<BrowserMock> {
  const { serviceWorkerUrl, onUnhandledRequest = 'bypass', quiet, ...mockOptions } = options
  const mock = createMock(mockOptions)
  const worker = setupWorker(...mock.handlers)
  await worker.start({
    serviceWorker: { url: serviceWorkerUrl ?? '/mockServiceWorker.js' },
    onUnhandledRequest,
    ...(quiet === undefined ? {} : { quiet }),
  })
  await mock.ready
  return Object.assign(mock, { worker, stop: () => worker.stop() })
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
