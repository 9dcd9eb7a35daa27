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
import { DEFAULT_SESSION } from './core/session.ts'
import type { MockSession } from './core/session-handle.ts'
import { type DashboardOptions, startDashboard } from './handlers/control/dashboard/app.ts'
import { DASHBOARD_MARKUP } from './handlers/control/dashboard/markup.ts'
import { DASHBOARD_CSS } from './handlers/control/dashboard/style.ts'
import { createMock, type Mock, type MockDb } from './index.ts'

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
   * reaches the page; a change made from code starts its write at once (before the current task
   * ends; see {@link BrowserMock.saveState}). Default `false`: a reload starts again from the
   * scenario.
   */
  persist?: boolean
}

/** A mock answering the page's requests through msw's service worker. */
export interface BrowserMock extends Mock {
  worker: SetupWorker
  /** Stops intercepting; the page's requests go to the network again. */
  stop(): void
  /**
   * With `persist: true`, writes every session to IndexedDB now and resolves once it and every
   * write started before it have committed. A change made from code (`mock.faults.add`, the
   * clock, `mock.db` writes) is already being written when the call returns; await this before
   * navigating away or closing the browser to know it is on disk. Without it, resolves at once.
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
  if (persistence) {
    watchAnswers(mock.handlers, persistence)
    watchCode(mock, persistence)
  }
  const worker = setupWorker(...mock.handlers)
  await worker.start({
    serviceWorker: { url: serviceWorkerUrl ?? '/mockServiceWorker.js' },
    ...onUnhandled(onUnhandledRequest),
    ...(quiet === undefined ? {} : { quiet }),
  })
  // The write starts in the `pagehide` task itself, before the page goes.
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

/** The mutating methods of an `@msw/data` collection. */
const COLLECTION_WRITES = new Set([
  'create',
  'createMany',
  'update',
  'updateMany',
  'delete',
  'deleteMany',
  'clear',
])

/**
 * Has `persistence` note each change made from code, as it is made: fault rules, the clock,
 * `importState` and a session's `reset` of every session handle, and the writes to the stores of
 * `mock.db` / `mock.dbOf(name)`. (The mock-wide `reset` clears the database instead.)
 */
function watchCode(mock: Mock, persistence: IndexedDbPersistence): void {
  const watched = new WeakSet<object>()
  const watchSession = <S extends object>(handle: S, name: string): S => {
    if (watched.has(handle)) return handle
    watched.add(handle)
    const { faults, clock } = handle as unknown as MockSession
    for (const method of ['add', 'addAll', 'remove', 'clear'])
      notifyAfter(faults, method, () => persistence.changed(name))
    for (const method of ['advance', 'set'])
      notifyAfter(clock, method, () => persistence.changed(name))
    notifyAfter(handle, 'importState', () => persistence.changed(name))
    if (handle !== (mock as object)) notifyAfter(handle, 'reset', () => persistence.changed(name))
    return handle
  }
  watchSession(mock, DEFAULT_SESSION)
  const session = mock.session.bind(mock)
  mock.session = (name) => watchSession(session(name), name)
  const collections = new WeakMap<object, object>()
  const watchCollection = (collection: object, name: string): object => {
    let proxy = collections.get(collection)
    if (!proxy) {
      proxy = new Proxy(collection, {
        get(target, key) {
          const value = Reflect.get(target, key, target)
          if (typeof value !== 'function') return value
          const method = (value as (...args: unknown[]) => unknown).bind(target)
          if (!COLLECTION_WRITES.has(String(key))) return method
          return (...args: unknown[]) => {
            const result = method(...args)
            persistence.changed(name)
            // `create` and `update` write once their promise settles.
            if (result instanceof Promise)
              result.then(
                () => persistence.changed(name),
                () => {},
              )
            return result
          }
        },
      })
      collections.set(collection, proxy)
    }
    return proxy
  }
  const dbOf = mock.dbOf.bind(mock)
  const watchedDb = (name: string): MockDb =>
    Object.fromEntries(
      Object.entries(dbOf(name)).map(([vendor, store]) => [
        vendor,
        Object.fromEntries(
          Object.entries(store as Record<string, object>).map(([key, collection]) => [
            key,
            watchCollection(collection, name),
          ]),
        ),
      ]),
    ) as MockDb
  mock.dbOf = watchedDb
  Object.defineProperty(mock, 'db', { get: () => watchedDb(DEFAULT_SESSION), configurable: true })
}

/** Replaces `target[method]` with a call of it followed by `after` (once its promise resolves). */
function notifyAfter(target: object, method: string, after: () => void): void {
  const holder = target as Record<string, (...args: unknown[]) => unknown>
  const original = holder[method]?.bind(target)
  if (!original) return
  holder[method] = (...args: unknown[]) => {
    const result = original(...args)
    if (result instanceof Promise)
      return result.then((value) => {
        after()
        return value
      })
    after()
    return result
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
