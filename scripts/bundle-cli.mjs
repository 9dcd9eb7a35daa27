// Bundles the standalone server into one file (dist/cli.mjs), which starts about twice as fast
// as loading the built modules one by one. The library entries stay unbundled so that a user's
// own msw instance handles their requests; the CLI needs no such sharing.
// Runs under tsx (it imports the dashboard's bundler from its TypeScript source).
import { rm, writeFile } from 'node:fs/promises'
import { build } from 'esbuild'
import { bundleDashboard } from '../handlers/control/dashboard/bundle.ts'

// The dashboard's browser script, prebuilt: it replaces the module that would otherwise bundle
// it on first request (handlers/control/dashboard/script.ts), in dist/ and in the CLI bundle.
const prebuiltDashboard = `/** The dashboard's browser script, prebuilt by scripts/bundle-cli.mjs. */
export function dashboardScript() {
  return Promise.resolve(${JSON.stringify(await bundleDashboard())})
}
`
const dashboardDist = 'dist/handlers/control/dashboard'
await writeFile(`${dashboardDist}/script.js`, prebuiltDashboard)
await rm(`${dashboardDist}/bundle.js`, { force: true })
await rm(`${dashboardDist}/bundle.d.ts`, { force: true })
await rm(`${dashboardDist}/bundle.js.map`, { force: true })
await rm(`${dashboardDist}/script.js.map`, { force: true })

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
  plugins: [
    {
      name: 'prebuilt-dashboard',
      setup(b) {
        b.onLoad({ filter: /[\\/]dashboard[\\/]script\.ts$/ }, () => ({
          contents: prebuiltDashboard,
          loader: 'js',
        }))
      },
    },
  ],
  logLevel: 'warning',
})
