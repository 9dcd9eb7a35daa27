// Bundles the standalone server into one file (dist/cli.mjs), which starts about twice as fast
// as loading the built modules one by one. The library entries stay unbundled so that a user's
// own msw instance handles their requests; the CLI needs no such sharing.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Builds the bundle to `outfile` (default `dist/cli.mjs`, plus its `.LEGAL.txt`). Each output is
 * written to a temporary file and renamed, so a server starting meanwhile never loads half a file.
 */
export async function bundleCli(outfile = path.join(ROOT, 'dist', 'cli.mjs')) {
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
    logLevel: 'warning',
    write: false,
  })
  await mkdir(path.dirname(outfile), { recursive: true })
  for (const output of result.outputFiles) {
    const temporary = `${output.path}.${process.pid}.tmp`
    await writeFile(temporary, output.contents)
    await rename(temporary, output.path)
  }
  return outfile
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleCli(process.argv[2] ? path.resolve(process.argv[2]) : undefined)
}
