import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createMock, scenarios, vendors } from '../../index.ts'
import { createApp } from '../../server/app.ts'
import { loadScenarioFile } from '../../server/scenario-file.ts'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

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

describe('the README "export, edit, start with it" block', () => {
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const [exportLine = '', startLine = ''] = block.split('\n')

  it('starts the second server on a port other than the first one, which still runs', () => {
    const exported = /127\.0\.0\.1:(\d+)/.exec(exportLine)?.[1]
    const started = /--port (\d+)/.exec(startLine)?.[1] ?? '4010'
    expect(startLine).toMatch(/^npm start -- .*--scenario \/tmp\/team\.json/)
    expect(exported).toBeDefined()
    expect(started).not.toBe(exported)
  })

  it('runs as written: the second server starts from what the first exported', async () => {
    const first = createMock({ seed: 5 })
    await first.ready
    const server: Server = await new Promise((resolve) => {
      const s = createApp(first).listen(0, '127.0.0.1', () => resolve(s))
    })
    const { port } = server.address() as AddressInfo
    const bundle = await buildServerBundle()
    try {
      const file = path.join(dir, 'team.json')
      const exported = await fetch(`http://127.0.0.1:${port}/__mock/state`)
      await writeFile(file, await exported.text())
      // The block's commands, on free ports and this folder: `npm start --` runs this bundle.
      const args = startLine
        .replace(/#.*$/, '')
        .trim()
        .split(/\s+/)
        .slice(3)
        .map((arg) => (arg === '/tmp/team.json' ? file : arg))
      const at = args.indexOf('--port')
      if (at >= 0) args[at + 1] = '0'
      const second = startServer(bundle.file, args)
      const url = await second.url()
      const state = await (await fetch(`${url}/__mock/state`)).json()
      expect(state.stores).toEqual((await first.exportState()).stores)
    } finally {
      killServers()
      server.closeAllConnections()
      server.close()
      await bundle.dispose()
    }
  }, 60_000)
})
