// Bundles the standalone server into one file (dist/cli.mjs), which starts about twice as fast
// as loading the built modules one by one. The library entries stay unbundled so that a user's
// own msw instance handles their requests; the CLI needs no such sharing.
//
// Node reads, decodes and compiles every byte of the bundle at start-up (about a third of the
// start-up time), so code the server never runs is swapped for small stand-ins below.
import path from 'node:path'
import { build } from 'esbuild'

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

await build({
  entryPoints: ['server.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  plugins: [lean],
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
