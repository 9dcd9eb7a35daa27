#!/usr/bin/env node
// `npm run dev`: the server from its TypeScript sources under `tsx watch`, restarted on every
// change, ending when its launcher ends. package.json runs it with `exec`, so npm's SIGTERM reaches
// this process (not the `sh` npm runs scripts through, which ends without passing it on); and
// since `tsx watch` is the server's parent, the server cannot see npm go away itself (as `npm
// start`'s does): this process watches npm and stops `tsx watch`, which stops the server.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** How often the launcher is checked, in ms. */
const LAUNCHER_POLL_MS = 500

const launcher = process.ppid
const child = spawn(
  process.execPath,
  [fileURLToPath(import.meta.resolve('tsx/cli')), 'watch', 'server.ts', ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit' },
)
child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

let stopping = false
/** Stops `tsx watch` once: it passes the signal to the server and ends when the server has. */
function stop(signal) {
  if (stopping) return
  stopping = true
  child.kill(signal)
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGHUP', () => stop('SIGTERM'))
// Ctrl-C reaches `tsx watch` from the terminal as well (and npm passes its own on): passing a
// second SIGINT would make it kill the server at once. Only a SIGINT meant for npm alone is passed.
process.on('SIGINT', () => setTimeout(() => stop('SIGTERM'), 1_000).unref())
const timer = setInterval(() => {
  if (process.ppid !== launcher) stop('SIGTERM')
}, LAUNCHER_POLL_MS)
timer.unref()
