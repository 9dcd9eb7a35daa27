// Bundles the standalone server into one file (dist/cli.mjs), which starts about twice as fast
// as loading the built modules one by one. The library entries stay unbundled so that a user's
// own msw instance handles their requests; the CLI needs no such sharing.
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { register } from 'tsx/esm/api'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

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
 * Builds the bundle to `outfile` (default `dist/cli.mjs`, plus its `.LEGAL.txt`), with the
 * dashboard's script inlined. Each output is written to a temporary file and renamed, so a server
 * starting meanwhile never loads half a file.
 */
export async function bundleCli(outfile = path.join(ROOT, 'dist', 'cli.mjs')) {
  const dashboard = await prebuiltDashboardModule()
  const result = await build({
    entryPoints: [path.join(ROOT, 'server.ts')],
    outfile,
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
            contents: dashboard,
            loader: 'js',
          }))
        },
      },
    ],
    logLevel: 'warning',
    write: false,
  })
  await mkdir(path.dirname(outfile), { recursive: true })
  for (const output of result.outputFiles) {
    const temporary = `${output.path}.${process.pid}.tmp`
    await writeFile(temporary, output.contents)
    await rename(temporary, output.path)
  }
  return { outfile, dashboard }
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
