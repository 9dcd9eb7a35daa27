import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { proxySetup } from '../../server/proxy-options.ts'
import { type Served, serveMock } from './support.ts'

const SERVER = path.resolve(import.meta.dirname, '../../server.ts')
const children: ChildProcess[] = []
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  await Promise.all(cleanup.splice(0).map((f) => f()))
})

it('reads --proxy, --record and --proxy-timeout, and says what is wrong with them', () => {
  expect(proxySetup({})).toEqual({})
  const setup = proxySetup({
    proxy: ['cycle=http://127.0.0.1:1234', 'swr=http://127.0.0.1:5678/base'],
    'proxy-timeout': '500',
  })
  expect(setup.proxy).toEqual({
    upstreams: { cycle: 'http://127.0.0.1:1234', swr: 'http://127.0.0.1:5678/base' },
    timeoutMs: 500,
    recorder: undefined,
  })
  expect(() => proxySetup({ proxy: ['cycle'] })).toThrow(/expected VENDOR=URL/)
  expect(() => proxySetup({ proxy: ['a=http://x', 'a=http://y'] })).toThrow(/names a twice/)
  expect(() => proxySetup({ record: 'x.json' })).toThrow(/--record needs at least one --proxy/)
  expect(() => proxySetup({ proxy: ['cycle=http://x'], 'proxy-timeout': '0' })).toThrow(
    /--proxy-timeout must be whole milliseconds/,
  )
})

it('the standalone server proxies, refuses unknown vendors, and writes the recording on SIGTERM', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'irm-cli-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  const upstream: Served = await serveMock()
  cleanup.push(() => upstream.close())

  const bad = spawn(process.execPath, ['--import', 'tsx', SERVER, '--proxy', 'acme=http://x'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.push(bad)
  let badErr = ''
  bad.stderr?.on('data', (d) => {
    badErr += d
  })
  const [code] = await once(bad, 'exit')
  expect(code).toBe(2)
  expect(badErr).toMatch(/proxy names an unknown vendor "acme"/)

  const file = path.join(dir, 'recorded.json')
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SERVER, '--port', '0', '--proxy', `swr=${upstream.url}`, '--record', file],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  let stdout = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  let url: string | undefined
  // Generous: starting tsx on a busy machine can take long; this is no timing assertion.
  for (let i = 0; i < 2400 && !url; i++) {
    url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1]
    if (!url) await new Promise((r) => setTimeout(r, 50))
  }
  // The banner says what is proxied where, and where the recording goes.
  expect(stdout).toContain(`\n  swr -> ${upstream.url}\n`)
  expect(stdout).toContain(`recording: ${file} `)
  const response = await fetch(`${url}/v2/manage/shared-repositories?center=self`, {
    headers: { 'X-Auth-Token': 'cli-iam-token-secret', 'Content-Type': 'application/json' },
  })
  expect(response.status).toBe(200)
  const listed = (await response.json()) as Array<{ name: string }>
  child.kill('SIGTERM')
  const [exit] = await once(child, 'exit')
  expect(exit).toBe(0)
  const text = await readFile(file, 'utf8')
  expect(text).not.toContain('cli-iam-token-secret')
  const state = JSON.parse(text)
  expect(state.stores.swr.sharedRepositories.map((r: { name: string }) => r.name).sort()).toEqual(
    listed.map((r) => r.name).sort(),
  )
}, 180_000)
