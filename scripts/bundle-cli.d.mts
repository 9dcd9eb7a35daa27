/** Builds the standalone server bundle to `outfile` (default `dist/cli.mjs`); resolves to its path. */
export function bundleCli(outfile?: string): Promise<string>
