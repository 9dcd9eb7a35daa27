/**
 * Start-up to first answer and resident memory of the bundled standalone server (`dist/cli.mjs`,
 * what `npx image-registry-mock` runs), beside a bare node:http server started the same way.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { measureLoad } from './load.ts'
import { median, rssMb } from './stats.ts'

const ROOT = path.resolve(import.meta.dirname, '..')

async function timeToFirstAnswer(
  command: string,
  args: string[],
  port: number,
): Promise<{ ms: number; pid: number; stop(): void }> {
  const started = performance.now()
  const child = spawn(command, args, { stdio: 'ignore', cwd: ROOT })
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/__mock/health`)
      await response.arrayBuffer()
      return { ms: performance.now() - started, pid: child.pid as number, stop: () => child.kill() }
    } catch {
      if (child.exitCode !== null)
        throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`)
      await new Promise((r) => setTimeout(r, 2))
    }
  }
}

/** Start-up and RSS figures: medians of `rounds` cold starts. */
export async function measureStartup(rounds: number, basePort: number) {
  const bareScript = path.join(mkdtempSync(path.join(os.tmpdir(), 'irm-bare-')), 'bare.mjs')
  writeFileSync(
    bareScript,
    `import { createServer } from 'node:http'\ncreateServer((q, s) => s.end('{"status":"ok"}')).listen(Number(process.argv[2]), '127.0.0.1')\n`,
  )
  const mockMs: number[] = []
  const bareMs: number[] = []
  let idleRss = 0
  let loadedRss = 0
  for (let i = 0; i < rounds; i++) {
    const port = basePort + i
    const mock = await timeToFirstAnswer(
      process.execPath,
      ['dist/cli.mjs', '--port', String(port)],
      port,
    )
    mockMs.push(mock.ms)
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 1000))
      idleRss = await rssMb(mock.pid)
      await measureLoad(
        port,
        {
          method: 'GET',
          path: '/api/v2/databases/ml_platform/schemas/images/image-repositories',
          headers: { Authorization: 'Bearer x' },
        },
        2,
        5,
      )
      loadedRss = await rssMb(mock.pid)
    }
    mock.stop()
    const bare = await timeToFirstAnswer(
      process.execPath,
      [bareScript, String(port + 100)],
      port + 100,
    )
    bareMs.push(bare.ms)
    bare.stop()
    await new Promise((r) => setTimeout(r, 200))
  }
  return { mockMs: median(mockMs), bareMs: median(bareMs), idleRss, loadedRss }
}
