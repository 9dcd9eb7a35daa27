#!/usr/bin/env node
// The installed package runs the built server; a source checkout (no dist/) runs the TypeScript
// through tsx, which is a dev dependency there.
import { existsSync } from 'node:fs'

const built = new URL('../dist/server.js', import.meta.url)
if (existsSync(built)) {
  const { main } = await import(built.href)
  await main()
} else {
  const { register } = await import('tsx/esm/api')
  register()
  const { main } = await import('../server.ts')
  await main()
}
