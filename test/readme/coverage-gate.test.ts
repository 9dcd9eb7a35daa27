/**
 * Runs the README's "Gate CI on resilience coverage" shell recipe as written, with npx, against
 * the package laid out as it is installed in a project: only the port and the placeholder line
 * "run the suite" change, the latter for a suite of requests. The gate must fail for a suite that
 * calls nothing or never meets a 503, and pass for one that does.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkedPackage } from '../support/linked-package.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const SUITE_LINE = /^# … run the suite against http:\/\/127\.0\.0\.1:4010 …$/m
let dir: string
let consumer: string

/** The shell block under "### Gate CI on resilience coverage". */
async function recipe(): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### Gate CI on resilience coverage'))
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(section)?.[1]
  if (!block) throw new Error('no sh block under "Gate CI on resilience coverage"')
  return block
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'irm-gate-'))
  ;({ project: consumer } = await linkedPackage(dir, [
    'package.json',
    'bin/image-registry-mock.js',
  ]))
}, 120_000)
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Runs the recipe with `suite` in place of its placeholder line: exit code and output. */
async function runRecipe(
  suite: string,
): Promise<{ code: number; stdout: string; stderr: string; summary: string }> {
  const port = await freePort()
  const block = await recipe()
  expect(block).toMatch(SUITE_LINE)
  const script = block.replace(SUITE_LINE, suite).replaceAll('4010', String(port))
  await rm(path.join(consumer, 'coverage.json'), { force: true })
  // A user's shell: without what npm set for this test run. GitHub Actions runs `bash -e`.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
  )
  // As on GitHub Actions: the job summary is a file (and this process's stdout is no terminal).
  const summary = path.join(dir, 'summary.md')
  await writeFile(summary, '')
  env.GITHUB_STEP_SUMMARY = summary
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-e', '-c', script.replaceAll('$URL', `http://127.0.0.1:${port}`)],
      { cwd: consumer, env, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0
        void readFile(summary, 'utf8').then((written) =>
          resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr, summary: written }),
        )
      },
    )
  })
}

const LIST = '$URL/api/v2/databases/ml_platform/schemas/images/image-repositories'
const list = `curl -sf -o /dev/null -H 'Authorization: Bearer t' ${LIST} || true`

describe.skipIf(process.platform === 'win32')('the "Gate CI on resilience coverage" recipe', () => {
  it('fails for a suite that calls nothing', async () => {
    const run = await runRecipe('true')
    expect(run.code, run.stderr).toBe(1)
    // It got to the gate: the table was printed, and jq said false over the written file.
    expect(run.summary).toContain('| Operation | Calls |')
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('false')
  }, 90_000)

  it('fails for a suite whose calls never met a 503', async () => {
    const run = await runRecipe(`${list}\n${list}`)
    expect(run.code, run.stderr).toBe(1)
    expect(run.summary).toContain('| snowflake.listImageRepositories | 2 | 200 |')
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('false')
  }, 90_000)

  it('passes for a suite whose every call met a 503 it survived', async () => {
    const rule = JSON.stringify({
      match: { operation: 'snowflake.listImageRepositories' },
      effect: { status: 503 },
      times: 1,
    })
    const run = await runRecipe(
      [
        `curl -sf -o /dev/null -X POST $URL/__mock/faults -H 'Content-Type: application/json' -d '${rule}'`,
        list,
        list,
      ].join('\n'),
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.summary).toContain('| snowflake.listImageRepositories | 2 | 200, 503 |')
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('true')
    const written = JSON.parse(await readFile(path.join(consumer, 'coverage.json'), 'utf8'))
    expect(written.operations).toMatchObject([
      { operation: 'snowflake.listImageRepositories', calls: 2 },
    ])
  }, 90_000)
})
