/**
 * Instances behind nginx, sharded by `X-Mock-Session` with the README's configuration
 * (`examples/sharding/nginx.conf`, only its ports changed). Used by the bench's `sharding`
 * section and by test/standalone/sharding.test.ts. nginx runs as a child process (`daemon off`)
 * with its configuration and temporary files in a folder of its own, never as the system service.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startListening, type Target } from './load.ts'

/** The shipped example configuration. */
export const EXAMPLE_CONFIG = path.resolve(import.meta.dirname, '../examples/sharding/nginx.conf')

/** The nginx binary (on the PATH or Debian's /usr/sbin/nginx), or undefined when missing. */
export function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' })
      return candidate
    } catch {}
  }
  return undefined
}

/**
 * The example configuration listening on `listen` in front of one instance per port in `ports`.
 * Throws when the example no longer has the lines it replaces.
 */
export function nginxConfig(listen: number, ports: number[]): string {
  const example = readFileSync(EXAMPLE_CONFIG, 'utf8')
  const servers = /^( *)server 127\.0\.0\.1:4011 (.*)\n\1server 127\.0\.0\.1:4012 \2\n/m
  const match = servers.exec(example)
  if (!match || !example.includes('listen 127.0.0.1:4010;'))
    throw new Error(`${EXAMPLE_CONFIG} no longer has its listen and two server lines`)
  const [, indent, rest] = match
  return example
    .replace('listen 127.0.0.1:4010;', `listen 127.0.0.1:${listen};`)
    .replace(servers, ports.map((port) => `${indent}server 127.0.0.1:${port} ${rest}\n`).join(''))
}

/**
 * Starts nginx with the example configuration, listening on `listen` in front of `ports`, its
 * configuration and temporary files in a folder of its own (removed when it exits); resolves once
 * it answers. Stop it with `child.kill()` (SIGTERM: the master stops its workers).
 */
export async function startNginx(nginx: string, listen: number, ports: number[]): Promise<Target> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-nginx-'))
  mkdirSync(path.join(dir, 'tmp'))
  // When the master runs as root its workers run unprivileged: they must reach the temp folders.
  chmodSync(dir, 0o755)
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(listen, ports))
  try {
    const target = await startListening(
      nginx,
      ['-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'stderr', '-g', 'daemon off;'],
      listen,
      { pinned: false, timeoutMs: 30_000 },
    )
    target.child.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    return target
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
