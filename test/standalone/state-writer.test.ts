import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../index.ts'
import { createApp } from '../../server/app.ts'
import { type StateFile, StateFileWriter } from '../../server/state-file.ts'

const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const AUTH = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }

let server: Server | undefined
let dir: string | undefined
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  if (dir) await rm(dir, { recursive: true, force: true })
  server = dir = undefined
})

async function serve(mock: Mock, delays = { delayMs: 60_000, readDelayMs: 60_000 }) {
  dir = await mkdtemp(path.join(tmpdir(), 'irm-writer-'))
  const file = path.join(dir, 'state.json')
  // Long delays by default: the test flushes when it wants the file.
  const writer = new StateFileWriter(mock, file, delays)
  server = createServer(createApp(mock))
  writer.watch(server)
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const send = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${url}`, init)
    await response.arrayBuffer()
    return response.status
  }
  /** Writes the file, then reads it back as text. */
  const saved = async () => {
    await writer.close()
    return readFile(file, 'utf8')
  }
  return { writer, send, saved, file }
}

/** The file `StateFileWriter` must write: every session exactly as `exportState()` gives it. */
async function expected(mock: Mock, names: string[]): Promise<string> {
  const sessions: StateFile['sessions'] = {}
  for (const name of names) sessions[name] = await mock.session(name).exportState()
  return `${JSON.stringify({ format: 'image-registry-mock-state', version: 1, sessions })}\n`
}

describe('StateFileWriter', () => {
  it('writes each session as exportState() gives it, after reads, writes, a reset and an in-process change', async () => {
    const mock = createMock({ scenario: 'default' })
    await mock.ready
    const { writer, send, saved } = await serve(mock)
    const other = { ...AUTH, 'X-Mock-Session': 'other' }

    expect(await send(REPOS, { headers: AUTH })).toBe(200)
    expect(await send(REPOS, { headers: other })).toBe(200)
    expect(await saved()).toBe(await expected(mock, ['default', 'other']))

    // Reads again: the clock and fault counters move, the records do not.
    mock.faults.add({ id: 'slow', match: { operation: '*' }, effect: { delayMs: 1 } })
    expect(await send(REPOS, { headers: AUTH })).toBe(200)
    expect(await saved()).toBe(await expected(mock, ['default', 'other']))

    // A write: the new record is in the file.
    const body = JSON.stringify({ name: 'SAVED_REPO' })
    expect(await send(REPOS, { method: 'POST', headers: other, body })).toBe(200)
    const afterWrite = await saved()
    expect(afterWrite).toContain('SAVED_REPO')
    expect(afterWrite).toBe(await expected(mock, ['default', 'other']))

    // A reset brings new stores: the record is gone again.
    expect(await send('/__mock/reset', { method: 'POST', headers: other })).toBe(200)
    const afterReset = await saved()
    expect(afterReset).not.toContain('SAVED_REPO')
    expect(afterReset).toBe(await expected(mock, ['default', 'other']))

    // A change made in-process, outside HTTP, reported with touch().
    const store = mock.dbOf('default').snowflake.repositories
    const first = store.findFirst((q) => q.where({}))
    await store.update((q) => q.where({ name: first?.name as string }), {
      data(record) {
        record.owner = 'CHANGED_IN_PROCESS'
      },
    })
    writer.touch('default')
    const afterTouch = await saved()
    expect(afterTouch).toContain('CHANGED_IN_PROCESS')
    expect(afterTouch).toBe(await expected(mock, ['default', 'other']))
  })
  it('saves what reads alone moved only after readDelayMs, and records that changed within delayMs', async () => {
    const mock = createMock({ scenario: 'default' })
    await mock.ready
    const { send, saved, file } = await serve(mock, { delayMs: 20, readDelayMs: 60_000 })
    const onDisk = () => readFile(file, 'utf8').catch(() => '')
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

    // A session never saved is saved at once.
    expect(await send(REPOS, { headers: AUTH })).toBe(200)
    await settle()
    const first = await onDisk()
    expect(first).toBe(await expected(mock, ['default']))

    // Reads alone moved the clock: that waits for readDelayMs.
    expect(await send(REPOS, { headers: AUTH })).toBe(200)
    await settle()
    expect(await onDisk()).toBe(first)

    // A read that stores something (an asynchronous result) is saved within delayMs.
    expect(await send(REPOS, { headers: { ...AUTH, Prefer: 'respond-async' } })).toBe(202)
    await settle()
    const afterAsync = await onDisk()
    expect(afterAsync).not.toBe(first)
    expect(afterAsync).toBe(await expected(mock, ['default']))

    // So is a write.
    const body = JSON.stringify({ name: 'WRITTEN_SOON' })
    expect(await send(REPOS, { method: 'POST', headers: AUTH, body })).toBe(200)
    await settle()
    expect(await onDisk()).toContain('WRITTEN_SOON')

    // And on close, whatever reads moved since.
    expect(await send(REPOS, { headers: AUTH })).toBe(200)
    expect(await saved()).toBe(await expected(mock, ['default']))
  })
})
