/**
 * The served page's script (`GET /__mock/dashboard.js`): page-entry.ts and what it imports,
 * bundled into one browser file.
 * @note The build replaces this module with the prebuilt text: `npm run build` writes it over
 * `dist/…/dashboard/script.js`, and the CLI bundle inlines it (scripts/bundle-cli.mjs). Run from
 * the sources (`tsx server.ts`, vitest) it bundles them with esbuild on first use; esbuild is a
 * devDependency, so that only happens in a checkout. The bundler module is named through a
 * variable so that an app bundling the mock for the browser never pulls esbuild in.
 */
const BUNDLER = './bundle.ts'

let script: Promise<string> | undefined

/** The dashboard's browser script (an ES module), bundled once per process. */
export function dashboardScript(): Promise<string> {
  if (!script) {
    const pending = import(/* @vite-ignore */ BUNDLER).then(
      (bundler: typeof import('./bundle.ts')) => bundler.bundleDashboard(),
    )
    // A failed bundle is not kept, so the next request tries again.
    pending.catch(() => {
      if (script === pending) script = undefined
    })
    script = pending
  }
  return script
}
