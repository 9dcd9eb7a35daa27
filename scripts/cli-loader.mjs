// The standalone server's entry, copied to dist/cli.mjs by scripts/bundle-cli.mjs: runs the
// CommonJS bundle beside it (cli.cjs) through V8's code cache, so every start after the first
// skips compiling its 1.7 MB of JavaScript (a quarter of start-up). Node 22 offers this for any
// module (module.enableCompileCache); Node 20, which this package supports, does not.
//
// The cache is written beside the bundle once the server has started (and again once it has
// answered, see main), one file per V8 version and flag set (V8 refuses a cache made under other flags). V8 itself checks a cache only against its
// source's length and does not checksum it: a cache for another bundle of the same length runs
// that bundle's code, and a flipped byte crashes the process. So each file starts with a header of
// our own, the CRC-32 of the bundle it was made from and of the cache itself, and is used only
// when both match. Where the folder is read-only the server simply starts without a cache.
import diagnostics from 'node:diagnostics_channel'
import {
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { createRequire, Module, SourceMap } from 'node:module'
import path from 'node:path'
import { PerformanceObserver } from 'node:perf_hooks'
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
// With Node's source maps on (`--enable-source-maps`, or process.setSourceMapsEnabled(true) before
// this module loads, as `npm start` does), stack traces name the TypeScript sources. Node maps
// only what it compiles itself, never a vm.Script, so the bundle's frames are mapped here.
if (process.sourceMapsEnabled) mapStackTraces()
const module = { exports: {} }
script.runInThisContext()(
  module.exports,
  createRequire(filename),
  module,
  filename,
  path.dirname(filename),
)

/**
 * Formats stack traces as V8 does, each frame of the bundle at its place in the TypeScript
 * sources (cli.cjs.map, read at the first stack trace). A user's own `Error.prepareStackTrace`
 * wins, as it does over Node's source maps.
 */
function mapStackTraces() {
  let map
  const sourceMap = () => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${filename}.map`, 'utf8')))
      } catch {
        map = null // no map beside the bundle: its own lines
      }
    }
    return map
  }
  const frame = (site) => {
    const text = site.toString()
    if (site.getFileName() !== filename) return text
    const line = site.getLineNumber()
    const column = site.getColumnNumber()
    const entry = sourceMap()?.findEntry(line - 1, column - 1)
    if (!entry?.originalSource) return text
    const original = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : path.resolve(path.dirname(filename), entry.originalSource)
    return text.replace(
      `${filename}:${line}:${column}`,
      `${original}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
    )
  }
  Error.prepareStackTrace = (error, sites) => {
    let head
    try {
      head = Error.prototype.toString.call(error)
    } catch {
      head = '<error>'
    }
    return [head, ...sites.map((site) => `    at ${frame(site)}`)].join('\n')
  }
}

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

/** Cache files kept beside the bundle at most: one per V8 version and flag set in use. */
const KEPT_CACHES = 4

/**
 * Removes what earlier starts left: temporary files of a server killed while writing (its
 * process is gone), and all but the newest {@link KEPT_CACHES} caches, since every other set of
 * Node flags makes a cache of its own and an installed package is never rebuilt to clear them.
 */
function pruneCaches() {
  const dir = path.dirname(filename)
  const caches = []
  try {
    for (const name of readdirSync(dir)) {
      const temporary = /^cli-.*\.cache\.(\d+)\.tmp$/.exec(name)
      if (temporary && !alive(Number(temporary[1]))) rmSync(path.join(dir, name), { force: true })
      else if (/^cli-.*\.cache$/.test(name)) {
        caches.push({ name, mtime: statSync(path.join(dir, name)).mtimeMs })
      }
    }
    // This start's own cache stays whatever its age; the newest of the others fill the rest.
    const own = path.basename(cacheFile)
    const others = caches.filter((c) => c.name !== own).sort((a, b) => b.mtime - a.mtime)
    for (const { name } of others.slice(KEPT_CACHES - 1)) {
      rmSync(path.join(dir, name), { force: true })
    }
  } catch {
    // Another server pruning at the same time, or a folder that changed meanwhile: next time.
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

/**
 * Runs the CLI (see server.ts). Once it has started, saves the code cache if there was none or
 * V8 refused it (it then holds the functions start-up compiled too, and after the first answer
 * those of answering), and sizes the heap for serving.
 */
export async function main() {
  await module.exports.main()
  const fresh = !cachedData || script.cachedDataRejected
  if (fresh) writeCache()
  // Whether or not this start wrote one: a killed writer's leftovers go at the next start.
  pruneCaches()
  if (!fresh) {
    sizeHeapForServing()
    return
  }
  // Answering the first request compiles a good part of the bundle again (routing, the pipeline,
  // the answer's serializer): a third of start-up to first answer. So a start that made the cache
  // makes it again once it has answered, with those functions in it. A little later, not at once:
  // a client that stops the server as soon as it has its answer (a test) leaves no cache half
  // written. The heap is sized after that, since a cache made under other flags is refused.
  const channel = 'http.server.response.finish'
  const answered = () => {
    diagnostics.unsubscribe(channel, answered)
    setTimeout(() => {
      writeCache()
      sizeHeapForServing()
    }, RECACHE_DELAY_MS)
  }
  diagnostics.subscribe(channel, answered)
}

/** How long after its first answer a start that made the code cache makes it again, in ms. */
const RECACHE_DELAY_MS = 250

function sizeHeapForServing() {
  // Under load V8 grows the old generation to about four times what is live, and keeps it until
  // its memory reducer runs 20-30 s after the load stops: 290 MB resident after two 5 s rounds of
  // 10 connections, for 40 MB live. Growing it 30 % at a time roughly halves that
  // (bench/results.md). Only now: during start-up it would mean a full GC every few MB, and V8
  // files a code cache under the flags in force when it was made. Flags the user gave win.
  if (!userSets(/heap[-_]growing[-_]percent/)) v8.setFlagsFromString('--heap-growing-percent=30')
  if (!userSets(/max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor/)) {
    capYoungGeneration()
  }
}

/** Whether the command line or NODE_OPTIONS sets a V8 flag whose name matches. */
function userSets(flag) {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
    (arg) => arg.startsWith('--') && flag.test(arg),
  )
}

/** The young generation's size at most: two semi-spaces of 8 MB. */
const YOUNG_GENERATION_BYTES = 16 * 2 ** 20

/**
 * Keeps the young generation at {@link YOUNG_GENERATION_BYTES} or below. Left alone, V8 doubles it
 * under load to two 16 MB semi-spaces and keeps them (16 MB more resident, for no measurable
 * throughput). `--max-semi-space-size` would say so, but only on the command line: V8 reads it
 * when it creates the heap. The growth factor it reads each time it grows, so a check after every
 * collection lets the young generation grow up to the cap (again after V8 shrank it while idle)
 * and no further. A collection's report comes after the task that caused it, so one request that
 * allocates tens of megabytes at once can still take it one doubling past the cap.
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
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] })
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
