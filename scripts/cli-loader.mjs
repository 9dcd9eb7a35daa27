// The standalone server's entry, copied to dist/cli.mjs by scripts/bundle-cli.mjs: runs the
// CommonJS bundle beside it (cli.cjs) through V8's code cache, so every start after the first
// skips compiling its 1.7 MB of JavaScript (a quarter of start-up). Node 22 offers this for any
// module (module.enableCompileCache); Node 20, which this package supports, does not.
//
// The cache is written beside the bundle once the server has started, one file per V8 version and
// flag set (V8 refuses a cache made under other flags). V8 itself checks a cache only against its
// source's length and does not checksum it: a cache for another bundle of the same length runs
// that bundle's code, and a flipped byte crashes the process. So each file starts with a header of
// our own, the CRC-32 of the bundle it was made from and of the cache itself, and is used only
// when both match. Where the folder is read-only the server simply starts without a cache.
import { readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'
import { crc32 } from 'node:zlib'

const MAGIC = 0x49524d31 // "IRM1"
const HEADER_BYTES = 12 // magic, CRC-32 of the bundle, CRC-32 of the cache
const filename = fileURLToPath(new URL('./cli.cjs', import.meta.url))
const flags = crc32(`${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`)
const cacheFile = path.join(
  path.dirname(filename),
  `cli-${process.arch}-v8-${process.versions.v8}-${flags.toString(16)}.cache`,
)

const source = readFileSync(filename)
const sourceCrc = crc32(source)
const cachedData = readCache()
const script = new vm.Script(Module.wrap(source.toString('utf8')), {
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

/** The cache for this very bundle, intact; undefined when there is none. */
function readCache() {
  let file
  try {
    file = readFileSync(cacheFile)
  } catch {
    return undefined
  }
  if (file.length <= HEADER_BYTES || file.readUInt32BE(0) !== MAGIC) return undefined
  if (file.readUInt32BE(4) !== sourceCrc) return undefined
  const data = file.subarray(HEADER_BYTES)
  return file.readUInt32BE(8) === crc32(data) ? data : undefined
}

function writeCache() {
  const data = script.createCachedData()
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32BE(MAGIC, 0)
  header.writeUInt32BE(sourceCrc, 4)
  header.writeUInt32BE(crc32(data), 8)
  const temporary = `${cacheFile}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, Buffer.concat([header, data]))
    renameSync(temporary, cacheFile)
  } catch {
    // A read-only install or a full disk: start without a cache, and leave nothing behind.
    rmSync(temporary, { force: true })
  }
}

/**
 * Runs the CLI (see server.ts). Once it has started, saves the code cache if there was none
 * (it then holds the functions start-up compiled too), and sizes the heap for serving.
 */
export async function main() {
  await module.exports.main()
  if (!cachedData || script.cachedDataRejected) writeCache()
  // Under load V8 grows the old generation to about four times what is live, and keeps it until
  // its memory reducer runs 20-30 s after the load stops: 290 MB resident after two 5 s rounds of
  // 10 connections, for 40 MB live. Growing it 30 % at a time roughly halves that
  // (bench/results.md). Only now: during start-up it would mean a full GC every few MB, and V8
  // files a code cache under the flags in force when it was made.
  v8.setFlagsFromString('--heap-growing-percent=30')
  capYoungGeneration()
}

/** The young generation's size at most: two semi-spaces of 8 MB. */
const YOUNG_GENERATION_BYTES = 16 * 2 ** 20

/**
 * Keeps the young generation at {@link YOUNG_GENERATION_BYTES} or below. Left alone, V8 doubles it
 * under load to two 16 MB semi-spaces and keeps them (16 MB more resident, for no measurable
 * throughput). `--max-semi-space-size` would say so, but only on the command line: V8 reads it
 * when it creates the heap. The growth factor it reads each time it grows, so a check once a
 * second lets the young generation grow up to the cap (again after V8 shrank it while idle) and
 * no further. Doubling twice within one second would take 24 MB of surviving objects.
 */
function capYoungGeneration() {
  let growing
  const check = () => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
    const grow = young !== undefined && young.space_size < YOUNG_GENERATION_BYTES
    if (grow !== growing) v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`)
    growing = grow
  }
  check()
  setInterval(check, 1000).unref()
}

// Run directly, also through a symbolic link (Node runs the link's target, argv[1] names the link).
const invoked = process.argv[1] && pathToFileURL(realpathOr(process.argv[1])).href
if (invoked === import.meta.url) await main()

function realpathOr(file) {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}
