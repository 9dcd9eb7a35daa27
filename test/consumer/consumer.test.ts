import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserProblems, packRepository, runConsumerCheck } from './consumer.ts'

// One real `npm pack` for both tests: its prepack builds dist/ itself, so the tests never depend
// on an earlier `npm run build` (or on another test having built it).
let dir: string
let packed: ReturnType<typeof packRepository>
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'irm-pack-'))
  packed = packRepository(dir)
}, 300_000)
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the published package', () => {
  it('packs only what a user needs', () => {
    const { files } = packed
    expect(files).toContain('dist/index.js')
    expect(files).toContain('dist/index.d.ts')
    expect(files).toContain('dist/node.js')
    expect(files).toContain('bin/image-registry-mock.js')
    expect(files).toContain('dist/cli.mjs')
    expect(files).toContain('dist/cli.cjs')
    expect(
      files.filter((f) => f.endsWith('.cache')),
      'code caches are made where it runs',
    ).toEqual([])
    expect(
      files.filter((f) => /^(test|bench|examples|core|handlers)\//.test(f) || f.endsWith('.map')),
    ).toEqual([])
  })

  it('installs into a fresh project and works with its msw 2: vitest, tsc, the browser entry in Chromium and npx', async () => {
    const { mswVersion, health, browser } = await runConsumerCheck(
      { msw: '^2.12.0' },
      packed.tarball,
    )
    expect(mswVersion).toMatch(/^2\./)
    expect(health).toMatchObject({ status: 'ok', scenario: 'default', seed: 1 })
    if (browser) expect(browserProblems(browser)).toEqual([])
    // The browser app (a Vite build and Chromium) adds about a minute on a busy machine.
  }, 480_000)
})
