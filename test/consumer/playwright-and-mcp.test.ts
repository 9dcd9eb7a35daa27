import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_PATH } from '../browser/chromium.ts'
import { packRepository } from './consumer.ts'
import {
  expectedTests,
  failures,
  isolationRuns,
  overlapped,
  type PlaywrightRun,
  readmeSpecs,
  runPlaywrightConsumer,
} from './playwright-suite.ts'

// The packed package installed into a fresh project with its own @playwright/test and msw 2
// (`npm run test:compat` runs the same suite with msw 3): there `image-registry-mock/playwright`
// runs a Playwright suite on two workers against Debian's Chromium, and type-checks; and
// `image-registry-mock mcp`, from the installed bin, answers the MCP SDK's client (the CLI bundle
// loads the SDK from node_modules).
let dir: string
let result: PlaywrightRun
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'irm-playwright-'))
  const { tarball } = packRepository(dir)
  result = await runPlaywrightConsumer(dir, { tarball, msw: '^2.12.10' })
}, 600_000)
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!existsSync(CHROMIUM_PATH))(
  'image-registry-mock/playwright in a consumer project with msw 2',
  () => {
    it("passes the consumer's suite on Chromium, the README's examples as written among it", () => {
      expect(result.mswVersion).toMatch(/^2\./)
      expect(readmeSpecs().length).toBeGreaterThan(0)
      expect(failures(result.report)).toEqual([])
      expect(result.report.stats).toMatchObject({
        expected: expectedTests(),
        unexpected: 0,
        skipped: 0,
        flaky: 0,
      })
    })

    it('ran the isolation tests on two workers at once', () => {
      const runs = isolationRuns(result.report)
      expect(runs).toHaveLength(6)
      expect(new Set(runs.map((r) => r.worker))).toEqual(new Set([0, 1]))
      expect(overlapped(runs), 'two workers ran isolation tests at the same time').toBe(true)
    })

    it('type-checks: typed fixtures and matchers on Playwright’s expect', () => {
      expect(result.typecheck).toBe('')
    })
  },
)

describe('image-registry-mock mcp from the installed package', () => {
  it('starts its own mock and answers the SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(dir, 'node_modules', '.bin', 'image-registry-mock'), 'mcp', '--seed', '4'],
      cwd: dir,
      stderr: 'pipe',
    })
    const client = new Client({ name: 'consumer', version: '1.0.0' })
    await client.connect(transport)
    try {
      const result = (await client.callTool({ name: 'list_operations', arguments: {} })) as {
        structuredContent?: { seed: number; operations: unknown[] }
      }
      expect(result.structuredContent?.seed).toBe(4)
      expect(result.structuredContent?.operations.length).toBeGreaterThan(20)
      const url = /at (http:\/\/\S+?) \(/.exec(client.getInstructions() ?? '')?.[1]
      expect((await (await fetch(`${url}/__mock/health`)).json()).seed).toBe(4)
    } finally {
      await client.close()
    }
  }, 60_000)
})
