/**
 * The packed package installed into a fresh project with its own @playwright/test and msw (2 or
 * 3, under this Node or a Node from the registry): there
 * `image-registry-mock/playwright` runs a Playwright suite on two workers against Debian's
 * Chromium, and the suite type-checks. The suite is {@link SPEC} and, as written, the README's
 * Playwright examples against the app they describe ({@link README_APP}).
 * test/consumer/playwright-and-mcp.test.ts runs it with msw 2, `npm run test:compat` with msw 3
 * under Node 24.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { CHROMIUM_PATH } from '../browser/chromium.ts'
import { consumerNode, mswVersionIn, NODE_PACKAGE } from './consumer.ts'

const REPO = path.resolve(import.meta.dirname, '../..')
const installed = (name: string) =>
  JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8'))
    .version as string

const config = (port: number) => `import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'tests',
  workers: 2,
  fullyParallel: true,
  retries: 0,
  expect: { timeout: 3_000 },
  webServer: { command: 'node readme-app.mjs ${port}', url: 'http://localhost:${port}/' },
  use: {
    baseURL: 'http://localhost:${port}',
    launchOptions: {
      executablePath: '${CHROMIUM_PATH}',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
})
`

// The app under test: a page on its own origin that calls Snowflake's REST API cross-origin.
// `?create=NAME` creates a repository first; `?retry=1` sends a 503'd list again after its
// Retry-After (1 s when the page cannot read it), at most twice.
const SPEC = `import { existsSync, writeFileSync } from 'node:fs'
import { http, HttpResponse } from 'msw'
import { expect, test, type PlaywrightMock } from 'image-registry-mock/playwright'

const API = 'https://acme-main.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories'
const APP = \`<!doctype html><meta charset="utf-8"><output id="out"></output><script>
  const headers = { Authorization: 'Bearer app', 'Content-Type': 'application/json' }
  const query = new URLSearchParams(location.search)
  async function list() {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch('\${API}', { headers })
      if (response.status !== 503 || !query.has('retry') || attempt === 2) return response
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)))
    }
  }
  async function run() {
    const create = query.get('create')
    if (create) await fetch('\${API}', { method: 'POST', headers, body: JSON.stringify({ name: create }) })
    const response = await list()
    const body = await response.json()
    out.textContent = response.status + ':' + (Array.isArray(body) ? body.map((r) => r.name).join(',') : body.code)
  }
  run().catch((error) => { out.textContent = 'failed: ' + error.message })
</script>\`

test.beforeEach(async ({ page }) => {
  await page.route('http://app.test/**', (route) => route.fulfill({ contentType: 'text/html', body: APP }))
})

/** What the page shows for the repositories in the mock's store: status, then names as listed (sorted). */
const listing = (mock: PlaywrightMock) =>
  \`200:\${mock.db.snowflake.repositories.all().filter((r) => r.schema_name === 'IMAGES').map((r) => r.name).sort().join(',')}\`

test('the page lists the repositories of its own mock', async ({ page, mock }) => {
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText(/^200:[A-Z]/)
  expect(await page.locator('#out').textContent()).toBe(listing(mock))
  await expect(mock).toHaveReceived('snowflake.listImageRepositories', { times: 1 })
  await expect(mock).toHaveReceivedWith('snowflake.listImageRepositories', {
    method: 'GET',
    status: 200,
    requestId: expect.any(String),
  })
})

test('a fault rule shapes what the page sees, and the journal says which fired', async ({ page, mock }) => {
  mock.faults.add({ id: 'down', match: { operation: 'snowflake.listImageRepositories' }, effect: { status: 503 }, times: 1 })
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText(/^503:\\d{6}$/)
  await expect(mock).toHaveReceivedWith('snowflake.listImageRepositories', { status: 503, fault: 'down' }, { times: 1 })
  expect(mock.faults.list()).toEqual([expect.objectContaining({ id: 'down', fired: 1 })])
  await page.reload()
  await expect(page.locator('#out')).toHaveText(/^200:/)
})

test.describe('with a 300 ms timeout ceiling', () => {
  test.use({ mockOptions: { timeoutCeilingMs: 300 } })
  for (const network of ['reset', 'timeout', 'garbage', 'empty', 'truncate'] as const) {
    test(\`a \${network} fault fails the page fetch, and the journal and coverage show it\`, async ({ page, mock }) => {
      mock.faults.add({ match: { operation: 'snowflake.*' }, effect: network === 'truncate' ? { network, bytes: 5 } : { network }, times: 1 })
      await page.goto('http://app.test/')
      await expect(page.locator('#out')).toHaveText(/^failed: /)
      // A truncated answer ran the operation and had its status; the others sent no answer.
      await expect(mock).toHaveReceivedWith('snowflake.listImageRepositories', { network, status: network === 'truncate' ? 200 : 0 }, { times: 1 })
      const listed = mock.coverage().operations.find((o) => o.operation === 'snowflake.listImageRepositories')
      expect(listed?.received.faults).toEqual([network])
      await page.reload()
      await expect(page.locator('#out')).toHaveText(listing(mock))
    })
  }
})

test('a slowed body reaches the page whole, no sooner than its rate allows', async ({ page, mock }) => {
  const bytesPerSecond = 2_000
  mock.faults.add({ match: { operation: 'snowflake.listImageRepositories' }, effect: { bytesPerSecond }, times: 1 })
  const started = Date.now()
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText(/^200:/, { timeout: 15_000 })
  const elapsed = Date.now() - started
  expect(await page.locator('#out').textContent()).toBe(listing(mock))
  const [entry] = mock.journal.find({ operation: 'snowflake.listImageRepositories' })
  const bytes = Number(entry?.responseHeaders['content-length'])
  expect(bytes).toBeGreaterThan(1_000)
  // The first chunk goes at once, then one every 50 ms.
  expect(elapsed).toBeGreaterThanOrEqual((bytes / bytesPerSecond) * 1000 - 100)
  expect(entry?.bytesPerSecond).toBe(bytesPerSecond)
  const listed = mock.coverage().operations.find((o) => o.operation === 'snowflake.listImageRepositories')
  expect(listed?.received.faults).toEqual(['slowBody'])
})

test('a page that retries after Retry-After shows in the retry chains', async ({ page, mock }) => {
  mock.faults.add({ match: { operation: 'snowflake.listImageRepositories' }, effect: { status: 503, retryAfter: 1 }, times: 1 })
  await page.goto('http://app.test/?retry=1')
  await expect(page.locator('#out')).toHaveText(listing(mock), { timeout: 10_000 })
  await expect(mock).toHaveRetried('snowflake.listImageRepositories', { times: 1, honouringRetryAfter: true })
  await expect(mock).toHaveNoDuplicateWrites()
  const listed = mock.coverage().operations.find((o) => o.operation === 'snowflake.listImageRepositories')
  expect(listed?.received.statuses).toEqual([200, 503])
})

test('an msw handler of the test goes in front of the mock, until reset', async ({ page, mock }) => {
  mock.network.use(http.get(API, () => HttpResponse.json([{ name: 'FROM_THE_TEST' }])))
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText('200:FROM_THE_TEST')
  await expect(mock).not.toHaveReceived('snowflake.listImageRepositories')
  mock.network.resetHandlers()
  await page.reload()
  await expect(page.locator('#out')).toHaveText(listing(mock))
})

test('a handler of the test that throws answers 500', async ({ page, mock }) => {
  mock.network.use(http.get(API, () => { throw new Error('broken handler') }))
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText('500:undefined')
})

test('a matcher that does not hold fails with the journal in its message', async ({ page, mock }) => {
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText(/^200:/)
  const error = await expect
    .configure({ timeout: 300 })(mock)
    .toHaveReceived('snowflake.deleteImageRepository')
    .then(() => undefined, (e: Error) => e)
  expect(error?.message).toContain('expected the mock to have received snowflake.deleteImageRepository at least once, but it received it 0 times')
  expect(error?.message).toContain('snowflake.listImageRepositories GET')
  // @ts-expect-error a misspelt operation id does not compile, and is refused at run time
  await expect(expect(mock).toHaveReceived('snowflake.listImageRepos')).rejects.toThrow(/matches no operation/)
})

test.describe('with mockOptions', () => {
  test.use({ mockOptions: { scenario: 'empty', seed: 5 } })
  test('each test mock starts from the options given', async ({ page, mock }) => {
    expect(mock.options).toMatchObject({ scenario: 'empty', seed: 5 })
    await page.goto('http://app.test/')
    await expect(page.locator('#out')).toHaveText('200:')
  })
})

// Two workers run these at once; each test sees only the repository it created. A worker's first
// test waits (30 s at most) until the other worker has started one too, so that the two are
// running together whatever either worker's start-up costs.
const NAMES = ['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT']
async function meetOtherWorker(index: number): Promise<void> {
  writeFileSync(\`.started-\${index}\`, '')
  for (let waited = 0; waited < 30_000 && !existsSync(\`.started-\${1 - index}\`); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
for (const name of NAMES) {
  test(\`parallel test \${name} sees only its own world\`, async ({ page, mock }, testInfo) => {
    const started = Date.now()
    await meetOtherWorker(testInfo.parallelIndex)
    await page.goto(\`http://app.test/?create=\${name}\`)
    await expect(page.locator('#out')).toHaveText(/^200:/)
    const shown = (await page.locator('#out').textContent()) ?? ''
    expect(shown).toBe(listing(mock))
    const listed = shown.slice(4).split(',')
    expect(listed).toContain(name)
    expect(listed.filter((n) => NAMES.includes(n))).toEqual([name])
    await expect(mock).toHaveReceivedWith('snowflake.createImageRepository', { body: { name }, status: 200 }, { times: 1 })
    await expect(mock).toHaveReceived('snowflake.*', { times: 2 })
    await testInfo.attach('timing', { body: JSON.stringify({ started, ended: Date.now() }), contentType: 'application/json' })
  })
}
`

/** How many tests {@link SPEC} holds. */
const SPEC_TESTS = 19

/**
 * The app the README's Playwright examples test, on its own origin: `/repositories` lists
 * Snowflake's repositories, says `No repositories yet` for none and shows an alert with the status
 * when Snowflake fails. One request to Snowflake per load.
 */
const README_APP = `import { createServer } from 'node:http'

const page = \`<!doctype html><meta charset="utf-8"><title>repositories</title><main id="main">Loading</main>
<script type="module">
  const url = 'https://acme-main.snowflakecomputing.com/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'
  const response = await fetch(url, { headers: { Authorization: 'Bearer app' } })
  const main = document.getElementById('main')
  if (!response.ok) main.innerHTML = '<p role="alert">Snowflake answered ' + response.status + '</p>'
  else {
    const repositories = await response.json()
    main.textContent = repositories.length === 0 ? 'No repositories yet' : repositories.map((r) => r.name).join(', ')
  }
</script>\`
createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page)).listen(Number(process.argv[2]), 'localhost')
`

/** The README's TypeScript examples of `image-registry-mock/playwright`, as written. */
export function readmeSpecs(): string[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8')
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1] as string)
    .filter((block) => block.includes("from 'image-registry-mock/playwright'"))
}

/** How many tests the suite holds: {@link SPEC}'s and the README examples'. */
export function expectedTests(): number {
  return readmeSpecs().reduce(
    (sum, block) => sum + (block.match(/\btest\(/g) ?? []).length,
    SPEC_TESTS,
  )
}

/** What to install beside the package. */
export interface PlaywrightSetup {
  /** The packed package (see `packRepository`). */
  tarball: string
  /** msw version range the project installs. */
  msw: string
  /** Run under this Node major from the npm registry (`NODE_PACKAGE`); default: this Node. */
  nodeMajor?: number
}

/** What Playwright's JSON reporter wrote (the parts read here). */
export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; skipped: number; flaky: number }
  suites: unknown[]
}

/** One run of the suite. */
export interface PlaywrightRun {
  nodeVersion: string
  mswVersion: string
  report: PlaywrightReport
  /** `tsc --noEmit`'s output: empty when the project type-checks. */
  typecheck: string
}

/**
 * Sets up the project in `dir` (an empty folder the caller removes), installs it, type-checks it
 * and runs the suite. Throws when the install fails or Playwright writes no report.
 */
export async function runPlaywrightConsumer(
  dir: string,
  setup: PlaywrightSetup,
): Promise<PlaywrightRun> {
  const devDependencies: Record<string, string> = {
    'image-registry-mock': `file:${setup.tarball}`,
    '@playwright/test': installed('@playwright/test'),
    msw: setup.msw,
    typescript: '~5.9.0',
    '@types/node': setup.nodeMajor ? `^${setup.nodeMajor}` : '^20',
  }
  if (setup.nodeMajor) devDependencies[NODE_PACKAGE] = `^${setup.nodeMajor}`
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', devDependencies }, null, 2),
  )
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        lib: ['ES2023', 'DOM'],
      },
      include: ['*.ts', 'tests/*.ts'],
    }),
  )
  writeFileSync(path.join(dir, 'playwright.config.ts'), config(await freePort()))
  writeFileSync(path.join(dir, 'readme-app.mjs'), README_APP)
  mkdirSync(path.join(dir, 'tests'))
  writeFileSync(path.join(dir, 'tests', 'app.spec.ts'), SPEC)
  for (const [i, block] of readmeSpecs().entries()) {
    writeFileSync(path.join(dir, 'tests', `readme-${i + 1}.spec.ts`), block)
  }
  // Vite's build and preview (the browser consumer check, run before this one in the same
  // process) set NODE_ENV=production, under which npm would install no devDependencies.
  delete process.env.NODE_ENV
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    stdio: 'pipe',
  })
  const { node, env } = consumerNode(dir, setup.nodeMajor)
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  const typecheck = run(
    node,
    [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc')],
    dir,
    env,
  )
  const output = path.join(dir, 'report.json')
  run(
    node,
    [path.join(dir, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=json'],
    dir,
    { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: output },
  )
  if (!existsSync(output)) throw new Error('Playwright wrote no report')
  return {
    nodeVersion,
    mswVersion: mswVersionIn(dir),
    report: JSON.parse(readFileSync(output, 'utf8')),
    typecheck,
  }
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, 'localhost', () => resolve()))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** Runs `node` with `args` in `dir`; a failure still returns the output, followed by `failed`. */
function run(node: string, args: string[], dir: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(node, args, {
      cwd: dir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return `${e.stdout ?? ''}${e.stderr ?? ''}failed`
  }
}

interface TestResult {
  status: string
  parallelIndex: number
  errors: Array<{ message?: string }>
  attachments: Array<{ name: string; body?: string }>
}
interface Spec {
  title: string
  tests: Array<{ results: TestResult[] }>
}

function specs(report: PlaywrightReport): Spec[] {
  const all: Spec[] = []
  const walk = (suite: { specs?: Spec[]; suites?: unknown[] }) => {
    all.push(...(suite.specs ?? []))
    for (const child of suite.suites ?? []) walk(child as typeof suite)
  }
  for (const suite of report.suites) walk(suite as { specs?: Spec[] })
  return all
}

/** Each test that did not pass: its title and errors. */
export function failures(report: PlaywrightReport): string[] {
  return specs(report).flatMap((spec) =>
    spec.tests
      .flatMap((t) => t.results)
      .filter((r) => r.status !== 'passed')
      .map((r) => `${spec.title}: ${r.errors.map((e) => e.message).join('\n')}`),
  )
}

/** When each isolation test ran, and on which worker. */
export function isolationRuns(
  report: PlaywrightReport,
): Array<{ worker: number; started: number; ended: number }> {
  return specs(report)
    .filter((spec) => spec.title.startsWith('parallel test'))
    .map((spec) => {
      const result = spec.tests[0]?.results[0] as TestResult
      const timing = result.attachments.find((a) => a.name === 'timing')?.body ?? ''
      return {
        worker: result.parallelIndex,
        ...(JSON.parse(Buffer.from(timing, 'base64').toString()) as {
          started: number
          ended: number
        }),
      }
    })
}

/** Whether isolation tests of two different workers ran at the same time. */
export function overlapped(runs: ReturnType<typeof isolationRuns>): boolean {
  return runs.some((a) =>
    runs.some((b) => a.worker !== b.worker && a.started < b.ended && b.started < a.ended),
  )
}

/** What is wrong with a run, in words (empty when it passed). */
export function playwrightProblems(result: PlaywrightRun): string[] {
  const { stats } = result.report
  const problems = failures(result.report)
  if (readmeSpecs().length === 0) problems.push('the README has no Playwright example')
  if (stats.expected !== expectedTests() || stats.unexpected + stats.skipped + stats.flaky > 0)
    problems.push(`expected ${expectedTests()} passed tests, got ${JSON.stringify(stats)}`)
  const runs = isolationRuns(result.report)
  if (new Set(runs.map((r) => r.worker)).size !== 2 || !overlapped(runs))
    problems.push('the isolation tests did not run on two workers at once')
  if (result.typecheck !== '') problems.push(`tsc: ${result.typecheck}`)
  return problems
}
