/**
 * The standalone server as a user runs it: a child process of the esbuild bundle. Each test file
 * builds its own bundle into a temporary folder (never relying on an earlier `npm run build`, and
 * never touching `dist/`, which packing the package rebuilds meanwhile).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { bundleCli } from '../../scripts/bundle-cli.mjs'

/** A bundle of the server in a temporary folder; `dispose()` removes it. */
export async function buildServerBundle(): Promise<{ file: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'irm-cli-'))
  const { outfile: file } = await bundleCli(path.join(dir, 'cli.mjs'))
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/** A running (or finished) server process. */
export interface ServerProcess {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** The URL it printed once listening; rejects if it exits first. */
  url(): Promise<string>
  /** Resolves with the exit code (or signal name) once it has ended. */
  exited(): Promise<number | string>
}

const running = new Set<ChildProcess>()

/** Starts `node bundle ...args` in `cwd`. */
export function startServer(bundle: string, args: string[], cwd = tmpdir()): ServerProcess {
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const exit = once(child, 'exit').then(([code, signal]) => {
    running.delete(child)
    return (code ?? signal) as number | string
  })
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: () => exit,
    async url() {
      for (let i = 0; i < 600; i++) {
        const match = /listening on (http:\/\/\S+)/.exec(stdout)
        if (match) return match[1] as string
        if (child.exitCode !== null) throw new Error(`exited early: ${stdout}${stderr}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error(`no URL printed: ${stdout}${stderr}`)
    },
  }
}

/** Kills every server a test left running (call in afterEach). */
export function killServers(): void {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
}
