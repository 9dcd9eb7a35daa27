/**
 * Builds the standalone server bundle to `outfile` (default `dist/cli.mjs`) with the dashboard's
 * script inlined; resolves to its path and the prebuilt dashboard module's text.
 */
export function bundleCli(outfile?: string): Promise<{ outfile: string; dashboard: string }>
