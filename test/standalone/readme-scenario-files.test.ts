import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createMock, scenarios, vendors } from '../../index.ts'
import { loadScenarioFile } from '../../server/scenario-file.ts'

// The README's example per vendor must load as the CLI loads it, and seed what it shows.
const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')
const section = README.slice(README.indexOf('#### Scenario files'))
const examples = [
  ...section.slice(0, section.indexOf('\n## ')).matchAll(/```yaml\n([\s\S]*?)```/g),
].map((m) => m[1] as string)

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'irm-readme-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('the README scenario-file examples', () => {
  it('has one per vendor', () => {
    const named = examples.flatMap((text) => Object.keys(parse(text).stores ?? {}))
    expect(named.sort()).toEqual(vendors.map((v) => v.name).sort())
  })

  it.each(examples.map((text) => [Object.keys(parse(text).stores)[0], text]))(
    'the %s example loads and seeds its records',
    async (vendor, text) => {
      const file = path.join(dir, `${vendor}.yaml`)
      await writeFile(file, text as string)
      const loaded = await loadScenarioFile(
        file,
        vendors,
        scenarios.map((s) => s.name),
      )
      const mock = createMock({ scenario: loaded.scenario })
      await mock.ready
      const state = await mock.exportState()
      const expected = parse(text as string).stores[vendor as string] as Record<string, unknown[]>
      for (const [collection, records] of Object.entries(expected)) {
        expect(state.stores[vendor as string]?.[collection]).toHaveLength(records.length)
      }
    },
  )
})
