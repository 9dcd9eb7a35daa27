import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packRepository } from './consumer.ts'

// The packed package installed into a fresh project with its own @playwright/test,
// @msw/playwright and msw: there `image-registry-mock/playwright` runs a Playwright suite on two
// workers against Debian's Chromium, and type-checks; and `image-registry-mock mcp`, from the
// installed bin, answers the MCP SDK's client (the CLI bundle loads the SDK from node_modules).
const CHROMIUM = '/usr/bin/chromium'
const REPO = path.resolve(import.meta.dirname, '../..')
const installed = (name: string) =>
  JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8'))
    .version as string

const CONFIG = `import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'tests',
  workers: 2,
  fullyParallel: true,
  retries: 0,
  expect: { timeout: 3_000 },
  use: {
    launchOptions: {
      executablePath: '${CHROMIUM}',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
})
`

// The app under test: a page on its own origin that calls Snowflake's REST API cross-origin.
const SPEC = `import { existsSync, writeFileSync } from 'node:fs'
import { http, HttpResponse } from 'msw'
import { expect, test, type PlaywrightMock } from 'image-registry-mock/playwright'

const API = 'https://acme-main.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories'
const APP = \`<!doctype html><meta charset="utf-8"><output id="out"></output><script>
  const headers = { Authorization: 'Bearer app', 'Content-Type': 'application/json' }
  async function run() {
    const create = new URLSearchParams(location.search).get('create')
    if (create) await fetch('\${API}', { method: 'POST', headers, body: JSON.stringify({ name: create }) })
    const response = await fetch('\${API}', { headers })
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

test('a dropped connection fails the page fetch', async ({ page, mock }) => {
  mock.faults.add({ match: { operation: 'snowflake.*' }, effect: { network: 'reset' } })
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText(/^failed: /)
  await expect(mock).toHaveReceivedWith('snowflake.listImageRepositories', { network: 'reset', status: 0 })
})

test('an msw handler of the test goes in front of the mock', async ({ page, mock }) => {
  mock.network.use(http.get(API, () => HttpResponse.json([{ name: 'FROM_THE_TEST' }])))
  await page.goto('http://app.test/')
  await expect(page.locator('#out')).toHaveText('200:FROM_THE_TEST')
  await expect(mock).not.toHaveReceived('snowflake.listImageRepositories')
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

let dir: string
let report: {
  stats: { expected: number; unexpected: number; skipped: number; flaky: number }
  suites: unknown[]
}
let typecheck: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'irm-playwright-'))
  const { tarball } = packRepository(dir)
  const devDependencies = {
    'image-registry-mock': `file:${tarball}`,
    '@playwright/test': installed('@playwright/test'),
    '@msw/playwright': `^${installed('@msw/playwright')}`,
    msw: '^2.12.10',
    typescript: '~5.9.0',
    '@types/node': '^20',
  }
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
        // @msw/playwright 0.6's own declarations do not compile against the newest msw 2
        // (LifeCycleEventsMap vs DefaultEventMap). The spec still checks against this package's
        // types: the fixtures' and matchers' signatures, a misspelt operation id refused.
        skipLibCheck: true,
        types: ['node'],
        lib: ['ES2023', 'DOM'],
      },
      include: ['*.ts', 'tests/*.ts'],
    }),
  )
  writeFileSync(path.join(dir, 'playwright.config.ts'), CONFIG)
  execFileSync('mkdir', ['-p', path.join(dir, 'tests')])
  writeFileSync(path.join(dir, 'tests', 'app.spec.ts'), SPEC)
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    env,
    stdio: 'pipe',
  })
  typecheck = run([path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'], env)
  const output = path.join(dir, 'report.json')
  run(
    [path.join(dir, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=json'],
    {
      ...env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: output,
    },
  )
  if (!existsSync(output)) throw new Error('Playwright wrote no report')
  report = JSON.parse(readFileSync(output, 'utf8'))
}, 600_000)
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Runs node with `args` in the consumer project; a failure still returns the output. */
function run(args: string[], env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(process.execPath, args, {
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

function specs(): Spec[] {
  const all: Spec[] = []
  const walk = (suite: { specs?: Spec[]; suites?: unknown[] }) => {
    all.push(...(suite.specs ?? []))
    for (const child of suite.suites ?? []) walk(child as typeof suite)
  }
  for (const suite of report.suites) walk(suite as { specs?: Spec[] })
  return all
}

describe.skipIf(!existsSync(CHROMIUM))(
  'image-registry-mock/playwright in a consumer project',
  () => {
    it("passes the consumer's suite on Chromium", () => {
      const failures = specs().flatMap((spec) =>
        spec.tests
          .flatMap((t) => t.results)
          .filter((r) => r.status !== 'passed')
          .map((r) => `${spec.title}: ${r.errors.map((e) => e.message).join('\n')}`),
      )
      expect(failures).toEqual([])
      expect(report.stats).toMatchObject({ expected: 12, unexpected: 0, skipped: 0, flaky: 0 })
    })

    it('ran the isolation tests on two workers at once', () => {
      const runs = specs()
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
      expect(runs).toHaveLength(6)
      expect(new Set(runs.map((r) => r.worker))).toEqual(new Set([0, 1]))
      const overlapping = runs.some((a) =>
        runs.some((b) => a.worker !== b.worker && a.started < b.ended && b.started < a.ended),
      )
      expect(overlapping, 'two workers ran isolation tests at the same time').toBe(true)
    })

    it('type-checks: typed fixtures and matchers on Playwright’s expect', () => {
      expect(typecheck).toBe('')
    })
  },
)

describe('image-registry-mock mcp from the installed package', () => {
  it('starts its own mock and answers the SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(dir, 'node_modules', '.bin', 'image-registry-mock'), 'mcp', '--seed', '4'],
      cwd: dir,
      stderr: 'pipe',
    })
    const client = new Client({ name: 'consumer', version: '1.0.0' })
    await client.connect(transport)
    try {
      const result = (await client.callTool({ name: 'list_operations', arguments: {} })) as {
        structuredContent?: { seed: number; operations: unknown[] }
      }
      expect(result.structuredContent?.seed).toBe(4)
      expect(result.structuredContent?.operations.length).toBeGreaterThan(20)
      const url = /at (http:\/\/\S+?) \(/.exec(client.getInstructions() ?? '')?.[1]
      expect((await (await fetch(`${url}/__mock/health`)).json()).seed).toBe(4)
    } finally {
      await client.close()
    }
  }, 60_000)
})
