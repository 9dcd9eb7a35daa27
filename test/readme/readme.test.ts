/**
 * Runs the README's TypeScript examples as they are: each ```ts block is read from README.md at
 * test time, written into a scratch project next to a stand-in for the user's own client, and run
 * by vitest in a child process with `image-registry-mock/*` resolved to these sources. A block
 * with imports is a test file of its own; a block without (a fragment using `mock` and `client`)
 * becomes the body of a test after the setup the README describes. Blocks for the browser entry
 * need a page and are left to the browser suites, Playwright ones (they need Playwright's runner
 * and an app) to test/consumer/playwright-and-mcp.test.ts, which runs the same API.
 *
 * The rest of the README is checked as a newcomer copies from it: a table of contents, lines a
 * terminal shows whole, valid JSON, shell blocks without placeholders that write outside the
 * checkout, and the shell blocks that talk to the server run by bash against a real one.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'
import { createApp } from '../../server/app.ts'

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

/**
 * The user's own API client the examples call: Snowflake repositories, retrying 429 and 503 with
 * exponential backoff from 500 ms, never sooner than the answer's `Retry-After` (as SDKs do).
 */
const MY_CLIENT = `const REPOS =
  'https://myorg-myaccount.snowflakecomputing.com/api/v2/databases/ml_platform/schemas/images/image-repositories'
const headers = { Authorization: 'Bearer readme', 'Content-Type': 'application/json' }

async function send(init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(REPOS, { ...init, headers })
    if ((response.status !== 429 && response.status !== 503) || attempt === 3) return response
    await response.arrayBuffer()
    const retryAfterMs = Number(response.headers.get('Retry-After') ?? 0) * 1000
    const wait = Math.max(retryAfterMs, 500 * 2 ** attempt)
    await new Promise((resolve) => setTimeout(resolve, wait))
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
  // vitest's own test timeout (5 s), as in a user's project: an example that needs more says so.
  test: { include: ['*.readme.ts'], hookTimeout: 60000 },
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

/** A fenced block of the README: its language, text and the line its fence opens on. */
interface Fence {
  lang: string
  body: string
  line: number
}

function readme(): string {
  return readFileSync(path.join(REPO, 'README.md'), 'utf8')
}

/** Every fenced block, in order. */
function fences(text: string): Fence[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] as string,
    body: m[2] as string,
    line: text.slice(0, m.index).split('\n').length,
  }))
}

/** The README without its fenced blocks (a `#` there is a comment, not a heading). */
function prose(text: string): string {
  return text.replace(/^```\w*\n[\s\S]*?^```$/gm, '')
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors of every heading, numbered as GitHub numbers repeats (`x`, `x-1`). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>()
  const found = new Set<string>()
  for (const [, heading] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading as string)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    found.add(n === 0 ? base : `${base}-${n}`)
  }
  return found
}

const SHELL = new Set(['sh', 'bash', 'shell'])

/** Whether every one of `tools` runs here. */
function hasTools(tools: string[]): boolean {
  return tools.every((tool) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })
}

/** Shell blocks that only talk to a server on 127.0.0.1:4010 (no install, start or upstream). */
function serverBlocks(text: string): Fence[] {
  return fences(text).filter(
    (f) =>
      SHELL.has(f.lang) &&
      f.body.includes('127.0.0.1:4010') &&
      !/\b(npx|npm|node|nginx|image-registry-mock) /.test(f.body) &&
      !/\$\{?[A-Z_]*(TOKEN|KEY|HUB)\b/.test(f.body),
  )
}

describe('the README as a newcomer copies from it', () => {
  const text = readme()

  it('has no line over 200 characters', () => {
    const long = text
      .split('\n')
      .map((line, i) => ({ line: i + 1, length: [...line].length }))
      .filter((l) => l.length > 200)
    expect(long).toEqual([])
  })

  it('opens with a table of contents linking every section, and every #anchor resolves', () => {
    const known = anchors(text)
    const links = [...prose(text).matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1] as string)
    expect(links.filter((anchor) => !known.has(anchor))).toEqual([])
    const sections = [...prose(text).matchAll(/^## (.+)$/gm)].map((m) => slug(m[1] as string))
    const firstSection = text.search(/^## /m)
    const top = text.slice(0, firstSection)
    const listed = [...top.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1] as string)
    expect(sections.length).toBeGreaterThan(5)
    expect(listed, 'the contents, before the first section, list every section in order').toEqual(
      expect.arrayContaining(sections),
    )
    expect(listed.filter((a) => sections.includes(a))).toEqual(sections)
  })

  it('lists under "Standalone server" every flag --help names, and no other', async () => {
    const { HELP } = await import('../../server.ts')
    const section = text.slice(text.indexOf('### Standalone server'))
    const from = section.indexOf('| flag')
    const table = section.slice(from, section.indexOf('\n\n', from))
    const documented = [...table.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1])
    const helped = [...HELP.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)]
      .map((m) => m[1])
      .filter((flag) => flag !== '--help' && flag !== '--version')
    expect(documented.length).toBeGreaterThan(10)
    expect([...documented].sort()).toEqual([...helped].sort())
  })

  it('shows valid JSON: its json blocks and the bodies its shell blocks send', () => {
    const invalid: string[] = []
    for (const fence of fences(text)) {
      const bodies =
        fence.lang === 'json'
          ? [fence.body]
          : SHELL.has(fence.lang)
            ? [...fence.body.matchAll(/(?:-d|--data(?:-binary|-raw)?) '([^']*)'/g)].map(
                (m) => m[1] as string,
              )
            : []
      for (const body of bodies) {
        if (body.startsWith('@')) continue // a file
        try {
          JSON.parse(body)
        } catch (error) {
          invalid.push(`line ${fence.line}: ${(error as Error).message}: ${body.slice(0, 80)}`)
        }
      }
    }
    expect(invalid).toEqual([])
  })

  it('has shell blocks without placeholders, writing files only outside the checkout', () => {
    const problems: string[] = []
    for (const fence of fences(text).filter((f) => SHELL.has(f.lang))) {
      for (const [i, line] of fence.body.split('\n').entries()) {
        const at = `line ${fence.line + 1 + i}: ${line.trim()}`
        if (/<[A-Za-z][^<>'"]*>/.test(line)) problems.push(`placeholder, ${at}`)
        const code = line.replace(/(^|\s)#.*$/, '')
        for (const m of code.matchAll(
          /(?:(?:^|\s)>>?|--state|--record|--output)\s*([^\s;&|)]+)/g,
        )) {
          const target = (m[1] as string).replace(/^["']/, '')
          if (target === '/dev/null' || target.startsWith('/') || target.startsWith('$')) continue
          problems.push(`writes ${target} in the current folder, ${at}`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it.skipIf(!hasTools(['bash', 'curl']))(
    "runs the retry demo's shell block after the dashboard switch made its rule, and again",
    async () => {
      const section = text.slice(text.indexOf('### Show a retry demo'))
      const block = fences(section).find(
        (f) => SHELL.has(f.lang) && f.body.includes('__mock/faults'),
      )
      expect(block, 'a shell block that creates the rule').toBeDefined()
      const mock = createMock()
      await mock.ready
      const server: Server = await new Promise((resolve) => {
        const s = createApp(mock).listen(0, '127.0.0.1', () => resolve(s))
      })
      const { port } = server.address() as AddressInfo
      try {
        // What turning the dashboard's switch on does: a rule under the switch's own id.
        const base = `http://127.0.0.1:${port}/__mock`
        const made = await fetch(`${base}/faults`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            id: 'dash.snowflake.listImageRepositories',
            match: { operation: 'snowflake.listImageRepositories' },
            effect: { status: 503, retryAfter: 3 },
            times: 2,
          }),
        })
        expect(made.status).toBe(201)
        const script = (block as Fence).body.replaceAll('127.0.0.1:4010', `127.0.0.1:${port}`)
        for (const run of ['after the switch', 'once more']) {
          const { stdout } = await promisify(execFile)(
            'bash',
            ['-e', '-o', 'pipefail', '-c', script],
            {
              cwd: os.tmpdir(),
              encoding: 'utf8',
            },
          )
          const statuses = [...stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => m[1])
          expect(statuses, `${run}: ${stdout}`).toEqual(['503', '503', '200'])
          expect(stdout).not.toMatch(/already exists/)
        }
      } finally {
        server.closeAllConnections()
        server.close()
      }
    },
    60_000,
  )

  // The blocks need what they name: bash, curl, and jq to pick ids out of answers.
  const tools = hasTools(['bash', 'curl', 'jq'])
  it.skipIf(!tools)(
    'runs the shell blocks that talk to the server, every request answered 2xx or 3xx or a fault the block injected',
    async () => {
      const blocks = serverBlocks(text)
      expect(blocks.length).toBeGreaterThanOrEqual(5)
      const mock = createMock()
      await mock.ready
      const server: Server = await new Promise((resolve) => {
        const s = createApp(mock).listen(0, '127.0.0.1', () => resolve(s))
      })
      const { port } = server.address() as AddressInfo
      // Each request's status goes to stderr, so a block may still read the body a request printed.
      // A fault the block itself injected is named in X-Mock-Fault: that answer is the recipe's point.
      const prelude = `curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective} fault=%header{x-mock-fault}\\n' "$@"; }\n`
      const failures: string[] = []
      try {
        for (const block of blocks) {
          await mock.reset()
          const script = prelude + block.body.replaceAll('127.0.0.1:4010', `127.0.0.1:${port}`)
          let stderr = ''
          try {
            stderr = (
              await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', script], {
                cwd: os.tmpdir(),
                encoding: 'utf8',
              })
            ).stderr
          } catch (error) {
            const e = error as { stderr?: string; message: string }
            failures.push(`block at line ${block.line} failed: ${e.stderr ?? e.message}`)
            continue
          }
          const requests = stderr.split('\n').filter((l) => /^\d{3} /.test(l))
          if (requests.length === 0) failures.push(`block at line ${block.line} sent no request`)
          for (const request of requests) {
            if (!/^[23]\d\d /.test(request) && /fault=$/.test(request)) {
              failures.push(`line ${block.line}: ${request}`)
            }
          }
        }
      } finally {
        server.closeAllConnections()
        server.close()
      }
      expect(failures).toEqual([])
    },
    120_000,
  )
})
