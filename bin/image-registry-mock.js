#!/usr/bin/env node
// Runs the TypeScript server through tsx's loader, so the CLI works straight from a checkout.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../server.ts')
await main()
