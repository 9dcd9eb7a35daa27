import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The served page's entry, which imports the rest of the dashboard. */
export const DASHBOARD_ENTRY = fileURLToPath(new URL('./page-entry.ts', import.meta.url))

/**
 * Bundles the served page's entry (page-entry.ts) and everything it imports into one minified
 * ES module for current browsers. Used by the build and, from the sources, on first request.
 */
export async function bundleDashboard(): Promise<string> {
  const result = await build({
    entryPoints: [DASHBOARD_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  })
  const [file] = result.outputFiles
  if (!file) throw new Error('esbuild produced no dashboard script')
  return file.text
}
