import { describe, expect, it } from 'vitest'
import { packedFiles, runConsumerCheck } from './consumer.ts'

describe('the published package', () => {
  it('packs only what a user needs', () => {
    const files = packedFiles()
    expect(files).toContain('dist/index.js')
    expect(files).toContain('dist/index.d.ts')
    expect(files).toContain('dist/node.js')
    expect(files).toContain('bin/image-registry-mock.js')
    expect(files).toContain('dist/cli.mjs')
    expect(
      files.filter((f) => /^(test|bench|examples|core|handlers)\//.test(f) || f.endsWith('.map')),
    ).toEqual([])
  })

  it('installs into a fresh project and works with its msw 2: vitest, tsc and npx', async () => {
    const { mswVersion, health } = await runConsumerCheck({ msw: '^2.12.0' })
    expect(mswVersion).toMatch(/^2\./)
    expect(health).toMatchObject({ status: 'ok', scenario: 'default', seed: 1 })
  }, 300_000)
})
