import { execFile, spawnSync } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServerBundle } from '../support/cli-process.ts'

// examples/python: a test suite in Python (standard library only) against the standalone server.
const HAVE_PYTHON = spawnSync('python3', ['--version']).status === 0
const NOTE = HAVE_PYTHON ? '' : ' [skipped: python3 is not on PATH; install Python 3 to run it]'
if (!HAVE_PYTHON) {
  console.warn(
    'Skipping the Python example suite: python3 is not on PATH. Install Python 3 to run it.',
  )
}

const REPO = path.resolve(import.meta.dirname, '../..')
let bundle: Awaited<ReturnType<typeof buildServerBundle>> | undefined

describe.skipIf(!HAVE_PYTHON)(`the Python example (examples/python)${NOTE}`, () => {
  beforeAll(async () => {
    bundle = await buildServerBundle()
  })
  afterAll(() => bundle?.dispose())

  it('passes: scenario file, an injected fault and the journal, via unittest', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bundle!.file)}`
    const { stdout, stderr } = await promisify(execFile)(
      'python3',
      ['-m', 'unittest', 'discover', '-s', 'examples/python', '-v'],
      { cwd: REPO, env: { ...process.env, IMAGE_REGISTRY_MOCK: command }, timeout: 120_000 },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `python3 -m unittest failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`,
      )
    })
    // unittest reports on stderr.
    expect(`${stdout}${stderr}`).toMatch(/Ran 2 tests[\s\S]*\nOK/)
  }, 180_000)
})
