// The standalone server's entry, copied to dist/cli.mjs by scripts/bundle-cli.mjs: runs the
// CommonJS bundle beside it (cli.cjs) through V8's code cache, so every start after the first
// skips compiling its 1.7 MB of JavaScript (a quarter of start-up). Node 22 offers this for any
// module (module.enableCompileCache); Node 20, which this package supports, does not.
//
// The cache is written beside the bundle once the server listens, named after the bundle's hash,
// the V8 version and the flags: V8 checks a cache only against its source's length, so a name per
// build keeps a rebuilt bundle from ever running another build's code. Where the folder is read-only
// the server simply starts without a cache.
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
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

/** Runs the CLI (see server.ts); once it listens, saves the code cache if there was none. */
export async function main() {
  await module.exports.main()
  if (cachedData && !script.cachedDataRejected) return
  // After start-up, so the cache holds the functions start-up compiled; off its critical path.
  setTimeout(() => {
    const temporary = `${cacheFile}.${process.pid}.tmp`
    try {
      writeFileSync(temporary, script.createCachedData())
      renameSync(temporary, cacheFile)
    } catch {
      // A read-only install: start without a cache.
    }
  }, 1000).unref()
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
