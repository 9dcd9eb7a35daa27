// Bundles the standalone server into one CommonJS file (dist/cli.cjs) behind a small entry
// (dist/cli.mjs, from scripts/cli-loader.mjs) that runs it through V8's code cache. One file starts
// about twice as fast as loading the built modules one by one, and the code cache saves most of
// what is left of compiling it. The library entries stay unbundled so that a user's own msw
// instance handles their requests; the CLI needs no such sharing.
//
// Node reads, decodes and compiles every byte of the bundle at start-up, so code the server never
// runs is swapped for small stand-ins below.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { register } from 'tsx/esm/api'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** @type {import('esbuild').Plugin} */
const lean = {
  name: 'lean',
  setup(b) {
    // zod's namespaces re-export every message locale (about 300 KB); the server only ever
    // uses the English one, which zod installs from locales/en.js itself.
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.join(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-en' }
        : undefined,
    )
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}`,
      resolveDir: path.dirname(args.path),
    }))
    // Express re-exports body-parser's parsers (express.json() and the like), which load their
    // content-type and charset tables; the server never mounts them (the msw adapter reads bodies
    // itself). The stand-in loads the real module only when a parser is first made.
    b.onResolve({ filter: /^body-parser$/ }, (args) =>
      args.namespace === 'lazy-body-parser'
        ? undefined
        : { path: args.importer, namespace: 'lazy-body-parser' },
    )
    b.onLoad({ filter: /.*/, namespace: 'lazy-body-parser' }, (args) => ({
      loader: 'js',
      resolveDir: path.dirname(args.path),
      contents: `
        for (const name of ['json', 'raw', 'text', 'urlencoded']) {
          exports[name] = (...options) => require('body-parser')[name](...options)
        }`,
    }))
    // Modules Express loads for what the server never does at start-up, each loaded at its first
    // use instead: mime-types builds its extension tables from mime-db (a 200 KB JSON) when
    // loaded, a tenth of start-up, and is called only to set a content type by name or serve a
    // file; qs (with side-channel and its intrinsics) parses only "extended" query strings.
    // Their importers read them when called, never while loading.
    b.onResolve({ filter: /^(mime-types|qs)$/ }, (args) =>
      args.namespace === 'lazy-module'
        ? undefined
        : { path: args.importer, namespace: 'lazy-module', pluginData: args.path },
    )
    b.onLoad({ filter: /.*/, namespace: 'lazy-module' }, (args) => ({
      loader: 'js',
      resolveDir: path.dirname(args.path),
      contents: `
        let loaded
        const real = () => (loaded ??= require(${JSON.stringify(args.pluginData)}))
        module.exports = new Proxy({}, {
          get: (_, key) => real()[key],
          has: (_, key) => key in real(),
          ownKeys: () => Reflect.ownKeys(real()),
          getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(real(), key)
            return descriptor && { ...descriptor, configurable: true }
          },
        })`,
    }))
    // msw reads its cookie store (tough-cookie, and the public-suffix list of tldts it loads:
    // about a sixth of start-up) for every request. Until a cookie is set there, and with no
    // cookies msw saved in a Web Storage, the store holds none and every lookup finds none, which
    // the stand-in answers without loading it. The server sets none (getResponse() stores no
    // answer's cookies), so it never loads; anything that does set one gets the real store.
    b.onResolve({ filter: /[\\/]cookieStore\.mjs$/ }, (args) =>
      args.namespace !== 'lazy-cookie-store' && args.importer.includes(`${path.sep}msw${path.sep}`)
        ? { path: path.join(args.resolveDir, args.path), namespace: 'lazy-cookie-store' }
        : undefined,
    )
    b.onLoad({ filter: /.*/, namespace: 'lazy-cookie-store' }, (args) => ({
      loader: 'js',
      resolveDir: path.dirname(args.path),
      contents: `
        let loaded
        const real = () => (loaded ??= require(${JSON.stringify(args.path)}).cookieStore)
        const saved = () =>
          typeof localStorage !== 'undefined' && typeof localStorage.getItem === 'function'
        export const cookieStore = {
          getCookies: (url) => (loaded || saved() ? real().getCookies(url) : []),
          setCookie: (name, url) => real().setCookie(name, url),
        }`,
    }))
    // Node's global Request, Response and Headers load its bundled undici (a tenth of start-up)
    // when first read, and msw's interceptors read them while loading, to subclass them. Here their classes extend a stand-in that is the global for everything a
    // class does with its parent (construct, statics, `super.method()`) and reads the global only
    // when one of those happens: a server that never builds a Fetch object never loads undici.
    b.onLoad(
      { filter: /[\\/]node_modules[\\/](msw|@mswjs[\\/]interceptors)[\\/].*\.mjs$/ },
      async (args) => {
        const text = await readFile(args.path, 'utf8')
        const subclassing = /\bextends (Request|Response|Headers)\b/g
        if (!subclassing.test(text)) return undefined
        return {
          loader: 'js',
          resolveDir: path.dirname(args.path),
          contents: `import { lazyGlobal as __lazyGlobal } from 'lazy-global'\n${text.replace(
            subclassing,
            (_, name) => `extends __lazyGlobal(${JSON.stringify(name)})`,
          )}`,
        }
      },
    )
    b.onResolve({ filter: /^lazy-global$/ }, () => ({
      path: 'lazy-global',
      namespace: 'lazy-global',
    }))
    b.onLoad({ filter: /.*/, namespace: 'lazy-global' }, () => ({
      loader: 'js',
      contents: `
        // A stand-in for the global class \`name\`, read from globalThis at its first use. Its
        // prototype inherits the real one's from then on, which is before any instance exists
        // (every instance is made by the real constructor), so \`instanceof\` holds for them all.
        export function lazyGlobal(name) {
          let real
          const prototype = {}
          const load = () => {
            if (!real) {
              real = globalThis[name]
              Object.setPrototypeOf(prototype, real.prototype)
            }
            return real
          }
          return new Proxy(function () {}, {
            get: (_, key, receiver) =>
              key === 'prototype' ? prototype : Reflect.get(load(), key, receiver),
            has: (_, key) => key === 'prototype' || key in load(),
            construct: (_, args, newTarget) => Reflect.construct(load(), args, newTarget),
          })
        }`,
    }))
    // iconv-lite (about 540 KB of code pages) is there for Express's body parsers, which the
    // server never mounts (the msw adapter reads bodies itself). The stand-in decodes through
    // Node's TextDecoder, so a parser mounted later would still work for the usual charsets.
    b.onResolve({ filter: /^iconv-lite$/ }, () => ({ path: 'iconv-lite', namespace: 'iconv' }))
    b.onLoad({ filter: /.*/, namespace: 'iconv' }, () => ({
      loader: 'js',
      contents: `
        const decoder = (encoding) => { try { return new TextDecoder(encoding) } catch { return undefined } }
        exports.encodingExists = (encoding) => decoder(encoding) !== undefined
        exports.decode = (buffer, encoding) => new TextDecoder(encoding).decode(buffer)
        exports.getDecoder = (encoding) => {
          const d = new TextDecoder(encoding)
          return { write: (chunk) => d.decode(chunk, { stream: true }), end: () => d.decode() }
        }`,
    }))
  },
}

/** The dashboard's browser script, prebuilt, as the module that replaces dashboard/script.ts. */
async function prebuiltDashboardModule() {
  // The dashboard's bundler is TypeScript; tsx lets this plain-node script import it.
  const unregister = register()
  try {
    const { bundleDashboard } = await import('../handlers/control/dashboard/bundle.ts')
    return `/** The dashboard's browser script, prebuilt by scripts/bundle-cli.mjs. */
export function dashboardScript() {
  return Promise.resolve(${JSON.stringify(await bundleDashboard())})
}
`
  } finally {
    await unregister()
  }
}

/**
 * Builds the server to `outfile` (default `dist/cli.mjs`: the entry) and `cli.cjs` beside it (the
 * bundle, plus its `.LEGAL.txt` and its source map `.map`), with the dashboard's script inlined, and drops the code caches
 * of earlier builds. Each file is written to a temporary file and renamed, the entry last, so a
 * server starting meanwhile never loads half a build.
 */
export async function bundleCli(outfile = path.join(ROOT, 'dist', 'cli.mjs')) {
  const dashboard = await prebuiltDashboardModule()
  const dir = path.dirname(outfile)
  const result = await build({
    entryPoints: [path.join(ROOT, 'server.ts')],
    outfile: path.join(dir, 'cli.cjs'),
    bundle: true,
    platform: 'node',
    // CommonJS, because Node 20 can code-cache a script (vm.Script) but not an ES module.
    format: 'cjs',
    target: 'node20',
    minify: true,
    // Stack traces keep the functions' own names (the source map gives files and lines).
    keepNames: true,
    legalComments: 'linked',
    // Only `image-registry-mock mcp` loads the MCP SDK (a dependency, resolved from node_modules
    // at run time): bundled, its 300 KB would slow every start by about a tenth.
    external: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*'],
    // cli.cjs.map, for stack traces that name the TypeScript sources (scripts/cli-loader.mjs).
    // Without the sources' text: a stack trace needs only their names, and the map stays a third
    // of the size.
    sourcemap: 'linked',
    sourcesContent: false,
    define: { 'import.meta.url': '__import_meta_url' },
    // esbuild's own "use strict" would follow the banner and stop being a directive.
    banner: {
      js: `"use strict";var __import_meta_url=require('node:url').pathToFileURL(__filename).href;`,
    },
    plugins: [
      lean,
      {
        name: 'prebuilt-dashboard',
        setup(b) {
          b.onLoad({ filter: /[\\/]dashboard[\\/]script\.ts$/ }, () => ({
            contents: dashboard,
            loader: 'js',
          }))
        },
      },
    ],
    logLevel: 'warning',
    write: false,
  })
  await mkdir(dir, { recursive: true })
  for (const output of result.outputFiles) {
    // The loader wraps the bundle in a function, where a `#!` line would not parse; commented out,
    // it keeps its line, so the source map's lines still match.
    const contents = output.path.endsWith('.cjs')
      ? Buffer.from(output.text.replace(/^#!/, '//'))
      : output.contents
    await writeAtomically(output.path, contents)
  }
  // Caches of earlier builds (and temporary files of a write that was killed).
  for (const entry of await readdir(dir)) {
    if (/^cli-.*\.cache(\.\d+\.tmp)?$/.test(entry)) await rm(path.join(dir, entry), { force: true })
  }
  await writeAtomically(outfile, await readFile(path.join(ROOT, 'scripts', 'cli-loader.mjs')))
  return { outfile, dashboard }
}

async function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, contents)
  await rename(temporary, file)
}

/**
 * `npm run build`: the CLI bundle, and the prebuilt dashboard script over the tsc output in
 * dist/, so the library entries serve it without esbuild.
 */
async function buildDist() {
  const { dashboard } = await bundleCli()
  const dashboardDist = path.join(ROOT, 'dist/handlers/control/dashboard')
  const built = await stat(dashboardDist).catch(() => undefined)
  if (!built) return
  await writeFile(path.join(dashboardDist, 'script.js'), dashboard)
  for (const leftover of ['bundle.js', 'bundle.d.ts', 'bundle.js.map', 'script.js.map']) {
    await rm(path.join(dashboardDist, leftover), { force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2]) await bundleCli(path.resolve(process.argv[2]))
  else await buildDist()
}
