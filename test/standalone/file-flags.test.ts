import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

// The file flags (--state, --coverage, --record, --scenario, --faults) through the real CLI
// process: start-up checks, and the files written at shutdown.
vi.setConfig({ testTimeout: 90_000 })
let bundle: Awaited<ReturnType<typeof buildServerBundle>>
let dir: string
beforeAll(async () => {
  bundle = await buildServerBundle()
  dir = await mkdtemp(path.join(tmpdir(), 'irm-files-'))
})
afterEach(killServers)
afterAll(async () => {
  await bundle?.dispose()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const cycle = {
  Authorization: 'Bearer t',
  'X-Hub-Id': '651586fca6078e98982dbd90',
  'Content-Type': 'application/json',
}

function serve(args: string[], cwd = dir) {
  return startServer(bundle.file, ['--port', '0', ...args], cwd)
}

/** Starts a server that should refuse its flags; its exit code and stderr. */
async function refused(args: string[], cwd = dir): Promise<{ code: number | string; err: string }> {
  const server = serve(args, cwd)
  const code = await server.exited()
  return { code, err: server.stderr() }
}

describe('shutdown writes each file on its own', () => {
  it('saves --state when the --coverage write fails, names the failing flag and file, exits 1', async () => {
    const stateDir = await mkdtemp(path.join(dir, 'st-'))
    const coverageDir = await mkdtemp(path.join(dir, 'cov-'))
    const state = path.join(stateDir, 'state.json')
    const coverage = path.join(coverageDir, 'c.json')
    const server = serve(['--state', state, '--coverage', coverage])
    const url = await server.url()
    const created = await fetch(`${url}/v1/images/sources`, {
      method: 'POST',
      headers: cycle,
      body: JSON.stringify({
        name: 'kept-at-shutdown',
        type: 'direct',
        origin: { type: 'docker-hub', details: { target: 'nginx:latest' } },
      }),
    })
    expect(created.status).toBe(201)
    // The coverage folder vanishes while the server runs: its write at shutdown fails.
    await rm(coverageDir, { recursive: true, force: true })
    server.child.kill('SIGTERM')
    expect(await server.exited()).toBe(1)
    const errors = server.stderr()
    expect(errors).toContain(`--coverage ${coverage}: cannot write (ENOENT`)
    expect(errors).not.toContain(`--state ${state}: cannot write`)
    expect(errors).not.toMatch(/\.tmp/)
    expect(await readFile(state, 'utf8')).toContain('kept-at-shutdown')
  })
})

describe('two file flags naming one file', () => {
  it.each([
    ['--state and --coverage', ['--state', 'same.json', '--coverage', 'same.json']],
    ['relative and absolute spellings', ['--state', './same.json', '--coverage', 'PLACEHOLDER']],
    ["--coverage's Markdown table", ['--coverage', 'cov.json', '--state', 'cov.md']],
    [
      '--record and --state',
      ['--proxy', 'cycle=http://127.0.0.1:9', '--record', 'rec.json', '--state', 'rec.json'],
    ],
  ])('are refused at start-up with exit 2: %s', async (_, args) => {
    const given = args.map((a) => (a === 'PLACEHOLDER' ? path.join(dir, 'same.json') : a))
    const { code, err } = await refused(given)
    expect(code).toBe(2)
    expect(err).toMatch(/are the same file \(.*\); give each its own file/)
    // Nothing was written over the other file.
    await expect(readFile(path.join(dir, 'same.json'))).rejects.toThrow(/ENOENT/)
  })

  it('refuses --state over the --scenario file it was started from, leaving that file alone', async () => {
    const scenario = path.join(dir, 'team.json')
    const text = JSON.stringify({ version: 1, scenario: 'empty', seed: 1, stores: {} })
    await writeFile(scenario, text)
    const { code, err } = await refused(['--scenario', scenario, '--state', scenario])
    expect(code).toBe(2)
    expect(err).toContain(`--state ${scenario} and --scenario ${scenario} are the same file`)
    expect(await readFile(scenario, 'utf8')).toBe(text)
  })
})

describe('start-up errors of output files name the flag and the path given', () => {
  it.each(['--state', '--coverage', '--record'])(
    '%s in a folder that does not exist: refused at once, the folder named, nothing created',
    async (flag) => {
      const missing = path.join(dir, 'missing', 'deeper')
      const file = path.join(missing, 'out.json')
      const proxy = flag === '--record' ? ['--proxy', 'cycle=http://127.0.0.1:9'] : []
      const { code, err } = await refused([...proxy, flag, file])
      expect(code).toBe(2)
      expect(err).toContain(`${flag} ${file}: the folder ${missing} does not exist`)
      await expect(readFile(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/)
    },
  )

  it('--state under /proc: refused within seconds, never a hang, no temporary file named', async () => {
    const started = Date.now()
    const missing = await refused(['--state', '/proc/x/state.json'])
    expect(missing.code).toBe(2)
    expect(missing.err).toContain('--state /proc/x/state.json: the folder /proc/x does not exist')
    const unwritable = await refused(['--state', '/proc/state.json'])
    expect(unwritable.code).toBe(2)
    expect(unwritable.err).toMatch(/--state \/proc\/state\.json: cannot write there \(E[A-Z]+/)
    expect(unwritable.err).not.toMatch(/\.tmp|\.probe/)
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('--state naming a folder, or a file that is not a state file, names the flag and path', async () => {
    const folder = path.join(dir, 'a-folder')
    await mkdir(folder, { recursive: true })
    const asFolder = await refused(['--state', folder])
    expect(asFolder.code).toBe(2)
    expect(asFolder.err).toContain(`--state ${folder}: is a folder, not a file`)
    const broken = path.join(dir, 'broken-state.json')
    await writeFile(broken, '{oops')
    const unparsable = await refused(['--state', broken])
    expect(unparsable.code).toBe(2)
    expect(unparsable.err).toContain(`--state ${broken}: not valid JSON`)
  })
})
