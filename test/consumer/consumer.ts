/**
 * The user's path: `npm pack` this repository, install the tarball into a fresh project outside
 * it, and there (1) run a vitest file that uses `image-registry-mock/node` with the project's own
 * msw, and type-check it; (2) build a Vite app that uses `image-registry-mock/browser` and open it
 * in Chromium; (3) run `npx image-registry-mock` and fetch `/__mock/health`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { preview } from 'vite'
import { CHROMIUM_PATH, HAVE_CHROMIUM } from '../browser/chromium.ts'

const REPO = path.resolve(import.meta.dirname, '../..')

/** What to install beside the package. */
export interface ConsumerSetup {
  /** msw version range the consumer project installs. */
  msw: string
  /** Run under this Node major from the npm registry (see {@link NODE_PACKAGE}); default: this Node. */
  nodeMajor?: number
}

const CONSUMER_TEST = `import { createServer } from 'node:http'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  createMock,
  ERROR_ON_UNHANDLED,
  type FaultRuleInput,
  type MockDb,
  type MockStateInput,
  type OperationId,
  type OperationPattern,
} from 'image-registry-mock/node'
import { fixtureFaker, snowflakeFixtures } from 'image-registry-mock/fixtures'
import 'image-registry-mock/matchers'

const mock = createMock({ seed: 1 })
const server = setupServer(...mock.handlers)
// Unhandled requests fail the test, under msw 2 and msw 3 alike.
beforeAll(() => server.listen(ERROR_ON_UNHANDLED))
afterAll(() => server.close())

const url = 'https://myorg-myaccount.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories'
const headers = { Authorization: 'Bearer consumer' }

it('lists Snowflake repositories through the consumer own msw', async () => {
  const response = await fetch(url, { headers })
  expect(response.status).toBe(200)
  const repositories: Array<{ name: string; repository_url: string }> = await response.json()
  expect(repositories.length).toBeGreaterThan(0)
  const stored: MockDb['snowflake'] = mock.db.snowflake
  expect(repositories.map((r) => r.name).sort()).toEqual(
    stored.repositories.all().filter((r) => r.schema_name === 'IMAGES').map((r) => r.name).sort(),
  )
})

it('sees an injected 503 with Retry-After', async () => {
  mock.faults.add({ match: { operation: 'snowflake.listImageRepositories' }, effect: { status: 503, retryAfter: 2 }, times: 1 })
  const failed = await fetch(url, { headers })
  expect(failed.status).toBe(503)
  expect(failed.headers.get('retry-after')).toBe('2')
  expect((await failed.json()).code).toMatch(/^\\d{6}$/)
  expect((await fetch(url, { headers })).status).toBe(200)
})

it('lets no unrelated request reach the network', async () => {
  let reached = 0
  const real = createServer((_req, res) => { reached++; res.end('real') })
  await new Promise<void>((resolve) => real.listen(0, '127.0.0.1', resolve))
  const port = (real.address() as { port: number }).port
  const quiet = console.error
  console.error = () => {}
  try {
    await expect(fetch(\`http://127.0.0.1:\${port}/anything\`)).rejects.toThrow()
  } finally {
    console.error = quiet
    real.close()
  }
  expect(reached).toBe(0)
})

it('has a typed API: ids, globs, rules, state, matchers, fixtures and a mock-wide reset', async () => {
  const id: OperationId = 'snowflake.listImageRepositories'
  const rules: FaultRuleInput[] = [
    { id: 'slow', match: { operation: 'snowflake.*' }, effect: { delayMs: 1 } },
    { id: 'fail', match: { operation: id }, effect: { status: 503 }, times: 1 },
  ]
  mock.faults.addAll(rules)
  expect((await fetch(url, { headers })).status).toBe(503)
  const glob: OperationPattern = '*.list*'
  expect(mock.journal.find({ operation: glob }).at(-1)?.fault).toBe('fail')
  expect(mock).toHaveReceived(id, { atLeast: 1 })
  // @ts-expect-error a misspelt effect field does not compile
  expect(() => mock.faults.add({ effect: { stauts: 503 } })).toThrow(/Unrecognized key/)
  // @ts-expect-error a misspelt operation id does not compile, and is refused at run time
  expect(() => expect(mock).not.toHaveReceived('snowflake.delteImageRepository')).toThrow(/matches no operation/)
  const state: MockStateInput = await mock.exportState()
  await mock.session('copy').importState(state)
  expect(mock.session('copy').faults.list().map((r) => r.id)).toEqual(mock.faults.list().map((r) => r.id))
  expect(typeof fixtureFaker(3).string.uuid()).toBe('string')
  expect(typeof snowflakeFixtures.buildImageRepository).toBe('function')
  await expect(mock.reset({ scenario: 'nope' })).rejects.toThrow(/unknown scenario/)
  await mock.reset()
  expect(mock.faults.list()).toEqual([])
  expect(mock.session('copy').faults.list()).toEqual([])
  const clock = await (await fetch('http://mock.test/__mock/clock')).json()
  expect(clock.nowMs).toBe(mock.clock.now())
  expect((await fetch('http://mock.test/__mock/health', { method: 'HEAD' })).status).toBe(200)
})
`

/**
 * The README's test-helper example as written: the matchers imported before vitest itself, which
 * must still type-check (their declarations load vitest's types on their own).
 */
const README_ORDER_TEST = `import { startMock } from 'image-registry-mock/node'
import 'image-registry-mock/matchers'
import { afterAll, expect, it } from 'vitest'

const mock = await startMock({ seed: 1 })
afterAll(() => mock.close())

it('counts a request with the matchers imported before vitest', async () => {
  const response = await fetch(
    'https://acme.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories',
    { headers: { Authorization: 'Bearer t' } },
  )
  expect(response.status).toBe(200)
  expect(mock).toHaveReceived('snowflake.listImageRepositories', { times: 1 })
  expect(mock).not.toHaveReceivedWith('snowflake.listImageRepositories', { status: 500 })
})
`

/**
 * The browser app: starts the worker with `persist: true`, creates the repository `?create=` names,
 * lists the repositories and fetches one of its own files (which the worker must pass through
 * without a word), and writes what it saw into `body[data-result]`.
 */
const BROWSER_APP = `import { type BrowserMock, startWorker } from 'image-registry-mock/browser'

const repositories = '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'
const headers = { Authorization: 'Bearer consumer', 'Content-Type': 'application/json' }
const mock: BrowserMock = await startWorker({ persist: true, quiet: true })
Object.assign(globalThis, { mock })
const create = new URLSearchParams(location.search).get('create')
if (create) {
  const created = await fetch(repositories, { method: 'POST', headers, body: JSON.stringify({ name: create }) })
  if (created.status !== 200) throw new Error(\`create answered \${created.status}\`)
}
const listed: Array<{ name: string }> = await (await fetch(repositories, { headers })).json()
const asset = await (await fetch('/hello.txt')).text()
document.body.dataset.result = JSON.stringify({ names: listed.map((r) => r.name), asset })
`

const BROWSER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>consumer</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="/app.ts"></script></body></html>
`

/**
 * msw 3 serves and emits its worker script with its own Vite plugin (\`worker-only\`: the app starts
 * the worker itself); msw 2 has no plugin, so \`msw init\` copies the script into \`public/\`.
 */
const viteConfig = (mswMajor: number) =>
  mswMajor >= 3
    ? `import { msw } from 'msw/vite'
import { defineConfig } from 'vite'

export default defineConfig({ plugins: [msw({ mode: 'worker-only' })], build: { target: 'es2022' } })
`
    : `import { defineConfig } from 'vite'

export default defineConfig({ build: { target: 'es2022' } })
`

/** What the browser app showed, load after load. */
export interface BrowserCheck {
  /** Repository names listed after creating CONSUMER_REPO. */
  afterCreate: string[]
  /** …after a reload. */
  afterReload: string[]
  /** …after \`mock.reset()\` and a reload. */
  afterReset: string[]
  /** The app's own file, fetched through the worker. */
  asset: string
  /** Every console warning and error, page error and answer of 400 or more, msw's included. */
  console: string[]
}

/**
 * What is wrong with a browser check, in words (empty when it passed): the repository was
 * created, survived a reload and was gone after `mock.reset()`; the app's own file passed the
 * worker; nothing was warned about or thrown.
 */
export function browserProblems(check: BrowserCheck): string[] {
  const problems: string[] = []
  const has = (names: string[]) => names.includes('CONSUMER_REPO')
  if (!has(check.afterCreate)) problems.push(`created, but not listed: ${check.afterCreate}`)
  if (!has(check.afterReload)) problems.push(`not kept across a reload: ${check.afterReload}`)
  if (has(check.afterReset)) problems.push('still listed after mock.reset() and a reload')
  if (check.asset !== 'hello from the app') problems.push(`the app's file read "${check.asset}"`)
  for (const message of check.console) problems.push(`console ${message}`)
  return problems
}

/** Builds the consumer's browser app with its own Vite and Node, and drives it in Chromium. */
async function checkBrowserApp(
  dir: string,
  node: string,
  env: NodeJS.ProcessEnv,
  mswMajor: number,
): Promise<BrowserCheck> {
  if (mswMajor < 3) {
    run(
      node,
      [path.join(dir, 'node_modules', 'msw', 'cli', 'index.js'), 'init', 'public', '--no-save'],
      dir,
      env,
    )
  }
  run(
    node,
    [path.join(dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'],
    dir,
    env,
  )
  const server = await preview({
    root: dir,
    configFile: false,
    logLevel: 'error',
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  })
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  })
  try {
    const { port } = server.httpServer.address() as AddressInfo
    const origin = `http://127.0.0.1:${port}`
    const page = await (await browser.newContext()).newPage()
    page.setDefaultTimeout(30_000)
    const messages: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') messages.push(`${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (error) => messages.push(`page error: ${error.message}`))
    page.on('response', (response) => {
      if (response.status() >= 400) messages.push(`${response.status()} ${response.url()}`)
    })
    const load = async (query: string) => {
      await page.goto(`${origin}/${query}`)
      const result = await page.locator('body[data-result]').getAttribute('data-result')
      return JSON.parse(result ?? '{}') as { names: string[]; asset: string }
    }
    const created = await load('?create=CONSUMER_REPO')
    const reloaded = await load('')
    await page.evaluate(() =>
      (globalThis as unknown as { mock: { reset(): Promise<void> } }).mock.reset(),
    )
    const reset = await load('')
    return {
      afterCreate: created.names,
      afterReload: reloaded.names,
      afterReset: reset.names,
      asset: reloaded.asset,
      console: messages,
    }
  } finally {
    await browser.close()
    await server.close()
  }
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  try {
    return execFileSync(command, args, {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`,
    )
  }
}

/** The msw version installed in the project at `dir`. */
export function mswVersionIn(dir: string): string {
  return JSON.parse(readFileSync(path.join(dir, 'node_modules', 'msw', 'package.json'), 'utf8'))
    .version as string
}

/**
 * The registry's package holding this platform's Node binary, `bin/node` in its tarball: what the
 * `node` package's preinstall script installs, with no install script to run (or to approve).
 */
export const NODE_PACKAGE = `node-${process.platform}-${process.arch}`

/**
 * The Node that runs the project at `dir`: {@link NODE_PACKAGE} of `nodeMajor` installed there,
 * else this Node; and an environment with it first on `PATH`.
 */
export function consumerNode(
  dir: string,
  nodeMajor?: number,
): { node: string; env: NodeJS.ProcessEnv } {
  const node = nodeMajor
    ? path.join(dir, 'node_modules', NODE_PACKAGE, 'bin', 'node')
    : process.execPath
  if (!existsSync(node)) throw new Error(`npm install left no Node ${nodeMajor} binary at ${node}`)
  return {
    node,
    env: { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` },
  }
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/**
 * Packs the repository into `into` as `npm pack` does for a release: its `prepack` script builds
 * `dist/` first, so nothing has to be built beforehand. Returns the tarball and the files in it.
 */
export function packRepository(into: string): { tarball: string; files: string[] } {
  const output = run('npm', ['pack', '--pack-destination', into, '--json'], REPO)
  const [packed] = JSON.parse(output.slice(output.indexOf('['))) as Array<{
    filename: string
    files: Array<{ path: string }>
  }>
  if (!packed) throw new Error(`npm pack printed no file: ${output}`)
  return { tarball: path.join(into, packed.filename), files: packed.files.map((f) => f.path) }
}

/** Runs the whole consumer check; throws with the failing command's output. Returns what it saw. */
export async function runConsumerCheck(
  setup: ConsumerSetup,
  /** A tarball packed already (see {@link packRepository}); default: pack now. */
  packed?: string,
): Promise<{
  nodeVersion: string
  mswVersion: string
  health: unknown
  /** Undefined where Chromium is not installed (see test/browser/chromium.ts). */
  browser: BrowserCheck | undefined
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-consumer-'))
  try {
    const tarball = packed ?? packRepository(dir).tarball
    const devDependencies: Record<string, string> = {
      'image-registry-mock': `file:${tarball}`,
      msw: setup.msw,
      vitest: '^4.1.0',
      typescript: '~5.9.0',
      vite: '^7.3.0',
      '@types/node': setup.nodeMajor ? `^${setup.nodeMajor}` : '^20',
    }
    if (setup.nodeMajor) devDependencies[NODE_PACKAGE] = `^${setup.nodeMajor}`
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', devDependencies }, null, 2),
    )
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      lib: ['ES2023', 'DOM'],
    }
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, include: ['*.ts'] }),
    )
    // Checked on its own too: in one program with a file that imports vitest first, that file
    // would load vitest's types for every other.
    writeFileSync(
      path.join(dir, 'tsconfig.readme.json'),
      JSON.stringify({ compilerOptions, files: ['readme-order.test.ts'] }),
    )
    writeFileSync(path.join(dir, 'consumer.test.ts'), CONSUMER_TEST)
    writeFileSync(path.join(dir, 'readme-order.test.ts'), README_ORDER_TEST)
    writeFileSync(path.join(dir, 'app.ts'), BROWSER_APP)
    writeFileSync(path.join(dir, 'index.html'), BROWSER_HTML)
    mkdirSync(path.join(dir, 'public'))
    writeFileSync(path.join(dir, 'public', 'hello.txt'), 'hello from the app')
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir)
    writeFileSync(
      path.join(dir, 'vite.config.ts'),
      viteConfig(Number(mswVersionIn(dir).split('.')[0])),
    )

    const { node, env } = consumerNode(dir, setup.nodeMajor)
    const nodeVersion = run(node, ['--version'], dir, env).trim()
    if (setup.nodeMajor && !nodeVersion.startsWith(`v${setup.nodeMajor}.`))
      throw new Error(`expected Node ${setup.nodeMajor}, got ${nodeVersion}`)
    const mswVersion = mswVersionIn(dir)

    run(node, [path.join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], dir, env)
    for (const project of ['.', 'tsconfig.readme.json']) {
      run(
        node,
        [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', project],
        dir,
        env,
      )
    }
    const browser = HAVE_CHROMIUM
      ? await checkBrowserApp(dir, node, env, Number(mswVersion.split('.')[0]))
      : undefined

    const port = await freePort()
    const bin = path.join(dir, 'node_modules', '.bin', 'image-registry-mock')
    const child: ChildProcess = spawn(node, [bin, '--port', String(port)], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let output = ''
      child.stdout?.on('data', (d) => {
        output += d
      })
      child.stderr?.on('data', (d) => {
        output += d
      })
      for (let i = 0; i < 300 && !output.includes('listening on'); i++) {
        if (child.exitCode !== null) throw new Error(`npx image-registry-mock exited: ${output}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      const health = await (await fetch(`http://127.0.0.1:${port}/__mock/health`)).json()
      return { nodeVersion, mswVersion, health, browser }
    } finally {
      child.kill('SIGTERM')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
