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
