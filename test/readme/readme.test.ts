/**
 * Runs the README's TypeScript examples as they are: each ```ts block is read from README.md at
 * test time, written into a scratch project next to a stand-in for the user's own client, and run
 * by vitest in a child process with `image-registry-mock/*` resolved to these sources. A block
 * with imports is a test file of its own; a block without (a fragment using `mock` and `client`)
 * becomes the body of a test after the setup the README describes. Blocks for the browser entry
 * need a page and are left to the browser suites, Playwright ones (they need Playwright's runner
 * and an app) to test/consumer/playwright-and-mcp.test.ts, which runs the same API.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const REPO = path.resolve(import.meta.dirname, '../..')

/** The ```ts blocks of the README, in order. */
function readmeBlocks(): string[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8')
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string)
}

/** What the README's fragments assume: a mock started as the README shows, and a client. */
const FRAGMENT_SETUP = `import { startMock } from 'image-registry-mock/node'
import 'image-registry-mock/matchers'
import { afterAll, afterEach, expect, it } from 'vitest'
import { client } from './my-client.ts'

const mock = await startMock({ seed: 1 })
afterAll(() => mock.close())
afterEach(() => mock.reset())
`

/** The user's own API client the examples call: Snowflake repositories, retrying 429 and 503. */
const MY_CLIENT = `const REPOS =
  'https://myorg-myaccount.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories'
const headers = { Authorization: 'Bearer readme', 'Content-Type': 'application/json' }

async function send(init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(REPOS, { ...init, headers })
    if ((response.status !== 429 && response.status !== 503) || attempt === 3) return response
  }
}

export const myClient = {
  async createRepository(name: string): Promise<void> {
    const response = await send({ method: 'POST', body: JSON.stringify({ name }) })
    if (!response.ok) throw new Error(\`create failed: \${response.status}\`)
  },
  async listRepositories(): Promise<Array<{ name: string }>> {
    const response = await send()
    if (!response.ok) throw new Error(\`list failed: \${response.status}\`)
    return response.json()
  },
}
export const client = myClient
`

describe('the README examples', () => {
  const blocks = readmeBlocks()

  it('has TypeScript examples to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4)
  })

  it('run as written, each passing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-readme-'))
    try {
      symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
      writeFileSync(path.join(dir, 'my-client.ts'), MY_CLIENT)
      const entry = (name: string) => path.join(REPO, `${name}.ts`)
      writeFileSync(
        path.join(dir, 'vitest.config.mjs'),
        `export default {
  resolve: {
    alias: [
      { find: /^image-registry-mock$/, replacement: ${JSON.stringify(entry('index'))} },
      ${['node', 'browser', 'matchers', 'fixtures']
        .map(
          (name) =>
            `{ find: /^image-registry-mock\\/${name}$/, replacement: ${JSON.stringify(entry(name))} }`,
        )
        .join(',\n      ')},
    ],
  },
  test: { include: ['*.readme.ts'], testTimeout: 30000, hookTimeout: 60000 },
}
`,
      )
      const written: string[] = []
      for (const [i, block] of blocks.entries()) {
        if (block.includes("from 'image-registry-mock/browser'")) continue
        if (/from '(image-registry-mock\/playwright|@playwright\/test)'/.test(block)) continue
        const file = `block-${i + 1}.readme.ts`
        const hasImports = /^import /m.test(block)
        const source = hasImports
          ? block
          : `${FRAGMENT_SETUP}\nit('README example ${i + 1}', async () => {\n${block}})\n`
        writeFileSync(path.join(dir, file), source)
        written.push(file)
      }
      expect(written.length).toBeGreaterThanOrEqual(3)
      let output: string
      try {
        output = execFileSync(
          process.execPath,
          [path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=verbose'],
          { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        )
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string }
        throw new Error(`a README example failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
      }
      // Every written example ran (a block that registers no test would pass silently otherwise).
      for (const file of written) expect(output).toContain(file)
      expect(output).not.toMatch(/\bskipped\b|\bfailed\b/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
