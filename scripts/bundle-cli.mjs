// Bundles the standalone server into one file (dist/cli.mjs), which starts about twice as fast
// as loading the built modules one by one. The library entries stay unbundled so that a user's
// own msw instance handles their requests; the CLI needs no such sharing.
import { build } from 'esbuild'

await build({
  entryPoints: ['server.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
