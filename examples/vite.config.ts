import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

const exampleDir = fileURLToPath(new URL('.', import.meta.url))
const repoDir = fileURLToPath(new URL('..', import.meta.url))

/**
 * Serves msw's `mockServiceWorker.js` straight from the installed msw package (and emits it on
 * build), so the worker script always matches the library version and nothing is committed.
 * In your own app, run `npx msw init <public dir> --save` instead.
 */
function mswWorkerScript(): Plugin {
  const read = () =>
    readFileSync(createRequire(import.meta.url).resolve('msw/mockServiceWorker.js'), 'utf8')
  return {
    name: 'image-registry-mock:msw-worker-script',
    configureServer(server) {
      server.middlewares.use('/mockServiceWorker.js', (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8')
        res.setHeader('Cache-Control', 'no-store')
        res.end(read())
      })
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'mockServiceWorker.js', source: read() })
    },
  }
}

/** The example app: `npx vite --config examples/vite.config.ts`. */
export default defineConfig({
  root: exampleDir,
  plugins: [mswWorkerScript()],
  // The app imports the mock from the repository's sources, one level up.
  server: { fs: { allow: [repoDir] } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  preview: { host: '127.0.0.1' },
})
