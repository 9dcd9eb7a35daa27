// The standalone server's entry, copied to dist/cli.mjs by scripts/bundle-cli.mjs: runs the
// CommonJS bundle beside it (cli.cjs) through V8's code cache, so every start after the first
// skips compiling its 1.7 MB of JavaScript (a quarter of start-up). Node 22 offers this for any
// module (module.enableCompileCache); Node 20, which this package supports, does not.
//
// The cache is written beside the bundle once the server has started, named after the bundle's
// hash, the V8 version and the flags: V8 checks a cache only against its source's length, so a
// name per build keeps a rebuilt bundle from ever running another build's code. Where the folder
// is read-only the server simply starts without a cache.
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'

/** A hash of cli.cjs, written in by scripts/bundle-cli.mjs. */
const BUILD = 'development'
const filename = fileURLToPath(new URL('./cli.cjs', import.meta.url))
// V8 also refuses a cache made under other flags (`--max-semi-space-size`…): one per flag set.
const flags = createHash('sha256').update(process.execArgv.join('\0')).digest('hex').slice(0, 8)
const cacheFile = path.join(
  path.dirname(filename),
  `cli-${BUILD}-${process.arch}-v8-${process.versions.v8}-${flags}.cache`,
)

let cachedData
try {
  cachedData = readFileSync(cacheFile)
} catch {
  cachedData = undefined
}
const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), {
  filename,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
})
const module = { exports: {} }
script.runInThisContext()(
  module.exports,
  createRequire(filename),
  module,
  filename,
  path.dirname(filename),
)

/**
 * Runs the CLI (see server.ts). Once it has started, saves the code cache if there was none
 * (it then holds the functions start-up compiled too), and sizes the heap for serving.
 */
export async function main() {
  await module.exports.main()
  if (!cachedData || script.cachedDataRejected) {
    const temporary = `${cacheFile}.${process.pid}.tmp`
    try {
      writeFileSync(temporary, script.createCachedData())
      renameSync(temporary, cacheFile)
    } catch {
      // A read-only install: start without a cache.
    }
  }
  // Under load V8 grows the old generation to about four times what is live, and keeps it until
  // its memory reducer runs 20-30 s after the load stops: 290 MB resident after two 5 s rounds of
  // 10 connections, for 40 MB live. Growing it 30 % at a time roughly halves that
  // (bench/results.md). Only now: during start-up it would mean a full GC every few MB, and V8
  // files a code cache under the flags in force when it was made.
  v8.setFlagsFromString('--heap-growing-percent=30')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
