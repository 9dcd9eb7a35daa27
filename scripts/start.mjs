#!/usr/bin/env node
// `npm start`: runs the bundled server (dist/cli.mjs), which answers in a fraction of a second,
// rebuilding the bundle first only when a source file or the installed dependencies are newer
// than it. `npm run dev` is the watch mode for working on the sources.
// package.json runs it with `exec`: npm passes SIGTERM to the process it started, and without
// `exec` that is the `sh` it runs scripts through, which ends without passing the signal on.
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUNDLE = path.join(ROOT, 'dist', 'cli.mjs')
/** What the bundle is built from: the server's sources, and the lock file for its dependencies. */
const SOURCES = ['server.ts', 'index.ts', 'core', 'handlers', 'fixtures', 'scenarios', 'server']
const INPUTS = [
  'package.json',
  'package-lock.json',
  'scripts/bundle-cli.mjs',
  'scripts/cli-loader.mjs',
]

function mtime(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/** The newest modification time under a file or folder (TypeScript sources only in folders). */
function newest(entry) {
  let stat
  try {
    stat = statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs // a deleted or renamed file changes its folder
  for (const child of readdirSync(entry, { withFileTypes: true })) {
    const full = path.join(entry, child.name)
    if (child.isDirectory()) latest = Math.max(latest, newest(full))
    else if (child.name.endsWith('.ts')) latest = Math.max(latest, mtime(full))
  }
  return latest
}

const built = mtime(BUNDLE)
const stale = [...SOURCES, ...INPUTS].some((entry) => newest(path.join(ROOT, entry)) > built)
if (stale) {
  const started = Date.now()
  // In a child process: esbuild (and tsx, which builds the dashboard) keep build services alive
  // for more builds, and they end with the process that started them, not with this server.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-cli.mjs'), BUNDLE], {
    stdio: 'inherit',
  })
  console.error(`image-registry-mock: rebuilt dist/cli.mjs in ${Date.now() - started} ms`)
}
// `npm start -- --scenario ./team.yaml` names files from where npm was run, not the package root.
if (process.env.npm_lifecycle_event === 'start' && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD)
}
// Stack traces name the TypeScript sources (handlers/…/x.ts:LINE), not the bundle: with Node's
// source maps on, the loader maps the bundle's frames (still run from its code cache).
process.setSourceMapsEnabled(true)
const { main } = await import(pathToFileURL(BUNDLE).href)
await main()
