#!/usr/bin/env node
// The installed package runs the bundled server (dist/cli.mjs, the fastest to start); a source
// checkout without a build runs the TypeScript through tsx, which is a dev dependency there.
import { existsSync } from 'node:fs'

const bundled = new URL('../dist/cli.mjs', import.meta.url)
if (existsSync(bundled)) {
  const { main } = await import(bundled.href)
  await main()
} else {
  const { register } = await import('tsx/esm/api')
  register()
  const { main } = await import('../server.ts')
  await main()
}
