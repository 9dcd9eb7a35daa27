import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { build, type PreviewServer, preview } from 'vite'
import { vi } from 'vitest'
import type { MockOptions } from '../../core/mock.ts'
import { createMock, type Mock } from '../../index.ts'
import { createApp } from '../../server/app.ts'

/** Debian's chromium; the browser tests run only where it is installed. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Whether the browser tests can run here. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH)

/** Appended to a suite's name, so a skipped run says why and how to run it. */
export const CHROMIUM_NOTE = HAVE_CHROMIUM
  ? ''
  : ` [skipped: ${CHROMIUM_PATH} is missing; install it with scripts/install-chromium.sh (as root)]`

if (!HAVE_CHROMIUM) {
  console.warn(
    `Skipping the headless Chromium tests: ${CHROMIUM_PATH} is missing. Install it with scripts/install-chromium.sh (as root) to run them.`,
  )
}

/** Slow steps (building the example, starting Chromium) get this long. */
export const SETUP_TIMEOUT_MS = 120_000

const EXAMPLE_CONFIG = path.resolve(import.meta.dirname, '../../examples/vite.config.ts')

/**
 * Gives browser tests room on a busy machine (the whole suite runs in parallel): 60 s per test
 * and 10 s for `expect.poll`, instead of vitest's 5 s and 1 s. Call at the top of a test file.
 */
export function allowBrowserTimeouts(): void {
  vi.setConfig({ testTimeout: 60_000, expect: { poll: { timeout: 10_000, interval: 50 } } })
}

/** Headless Chromium with a fresh profile, closed (and its profile removed) by `close()`. */
export interface Chromium {
  context: BrowserContext
  /** A new page that fails the test on uncaught page errors (collected in `errors`). */
  newPage(): Promise<Page & { errors: string[] }>
  close(): Promise<void>
}

/** Starts Chromium with the flags CI uses and a throwaway --user-data-dir. */
export async function launchChromium(): Promise<Chromium> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'irm-chromium-'))
  // launchPersistentContext passes userDataDir as --user-data-dir: a fresh profile per run.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  context.setDefaultTimeout(15_000)
  return {
    context,
    async newPage() {
      const page = Object.assign(await context.newPage(), { errors: [] as string[] })
      page.on('pageerror', (error) => page.errors.push(error.message))
      return page
    },
    async close() {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}

/** The example app, built with its own Vite config and served by `vite preview` on a free port. */
export interface ExampleServer {
  url: string
  close(): Promise<void>
}

/** Builds `examples/` into a temporary folder and serves it on 127.0.0.1. */
export async function serveExample(): Promise<ExampleServer> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'irm-example-'))
  await build({ configFile: EXAMPLE_CONFIG, build: { outDir }, logLevel: 'error' })
  const server: PreviewServer = await preview({
    configFile: EXAMPLE_CONFIG,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'error',
  })
  const { port } = server.httpServer.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await server.close()
      await rm(outDir, { recursive: true, force: true })
    },
  }
}

/** The standalone server (`createApp(createMock())`) listening on a free loopback port. */
export interface StandaloneServer {
  mock: Mock
  url: string
  close(): Promise<void>
}

/** Starts the standalone server as the CLI does, on 127.0.0.1 and a port the OS picks. */
export async function startStandalone(options: MockOptions = {}): Promise<StandaloneServer> {
  const mock = createMock(options)
  await mock.ready
  const server: Server = await new Promise((resolve) => {
    const s = createApp(mock).listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    mock,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Loads the standalone server's dashboard (`/__mock/`, polling every 100 ms so tests stay quick)
 * into `page` and waits until it has drawn its first data.
 */
export async function openDashboard(page: Page, serverUrl: string, query = ''): Promise<void> {
  await page.goto(`${serverUrl}/__mock/?poll=100${query}`)
  await page.locator('.irm[data-ready="true"]').waitFor()
}

/**
 * Loads the example app (`query` after its `/`, e.g. `?persist=1`) into `page` and waits until it
 * has started its mock and listed both vendors.
 */
export async function openExample(page: Page, exampleUrl: string, query = ''): Promise<void> {
  await page.goto(`${exampleUrl}/${query}`)
  await exampleReady(page)
}

/** Waits until the example app in `page` is ready again (after a reload, say). */
export async function exampleReady(page: Page): Promise<void> {
  await page.locator('body[data-ready="true"]').waitFor()
}

/**
 * Calls the control API (`/__mock…`) of the page's own origin from inside `page`: under the
 * browser worker the in-page mock answers it like any other request. `body` is sent as JSON; the
 * answer's JSON (null for a 204) comes back with its status.
 */
export async function pageControl(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(`/__mock${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return {
        status: response.status,
        body: response.status === 204 ? null : await response.json(),
      }
    },
    { method, path, body },
  )
}
