import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net'
import path from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMock } from '../../index.ts'
import { createApp } from '../../server/app.ts'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

// `image-registry-mock mcp` as an assistant runs it: the CLI bundle as a child process, driven
// over stdio by the MCP SDK's own client. The bundle leaves the SDK to node_modules (as the
// installed package does); from its temporary folder it finds this checkout's through NODE_PATH.
const NODE_PATH = path.resolve(import.meta.dirname, '../../node_modules')

let bundle: Awaited<ReturnType<typeof buildServerBundle>>
let server: Server
let base: string
beforeAll(async () => {
  bundle = await buildServerBundle()
  const mock = createMock({ seed: 1 })
  await mock.ready
  server = await new Promise((resolve) => {
    const s = createApp(mock).listen(0, '127.0.0.1', () => resolve(s))
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server?.closeAllConnections()
  server?.close()
  await bundle?.dispose()
})
const clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  killServers()
})

async function connect(args: string[]) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bundle.file, 'mcp', ...args],
    env: { ...(process.env as Record<string, string>), NODE_PATH },
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (d) => {
    stderr += d
  })
  const client = new Client({ name: 'test', version: '1.0.0' })
  clients.push(client)
  await client.connect(transport)
  return { client, transport, stderr: () => stderr }
}

/** Calls a tool; returns its JSON result, or throws with the tool error's text. */
async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as {
    content: Array<{ type: string; text: string }>
    isError?: boolean
  }
  const text = result.content.map((c) => c.text).join('')
  if (result.isError) throw new Error(text)
  return text.startsWith('{') ? JSON.parse(text) : text
}

const LIST = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const vendorGet = (session?: string) =>
  fetch(`${base}${LIST}`, {
    headers: {
      Authorization: 'Bearer t',
      ...(session ? { 'X-Mock-Session': session } : {}),
    },
  })

/**
 * The README's MCP tool table, row by row: the tool, the argument names in its second column
 * (backticked, `?` dropped) and its control-API column.
 */
function readmeToolTable(): Array<{ name: string; args: string[]; api: string }> {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## AI assistants (MCP)'))
  const table = section.slice(
    section.indexOf('| tool '),
    section.indexOf('\n\n', section.indexOf('| tool ')),
  )
  return table
    .split('\n')
    .slice(2)
    .map((row) => {
      const [name = '', args = '', api = ''] = row
        .split('|')
        .slice(1)
        .map((cell) => cell.trim())
      const names = [...args.matchAll(/`(\w+)\??`/g)].map((m) => m[1] as string)
      return { name: name.replaceAll('`', ''), args: names.sort(), api: api.replaceAll('`', '') }
    })
}

describe('image-registry-mock mcp --base URL', () => {
  it('offers the control API as the named tools', async () => {
    const { client } = await connect(['--base', base])
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'add_fault_rule',
        'advance_clock',
        'coverage',
        'get_state',
        'list_fault_rules',
        'list_operations',
        'list_sessions',
        'put_state',
        'read_journal',
        'remove_fault_rule',
        'reset_session',
        'retries',
      ].sort(),
    )
    // The README's table names every tool the server lists, in its order, with its arguments.
    const table = readmeToolTable()
    expect(table.map((row) => row.name)).toEqual(tools.map((t) => t.name))
    for (const t of tools) {
      const row = table.find((r) => r.name === t.name)
      expect(row?.args, t.name).toEqual(Object.keys(t.inputSchema.properties ?? {}).sort())
      expect(row?.api, t.name).toMatch(/^(GET|POST|PUT|DELETE) \/__mock\/\w+/)
      expect(t.description, t.name).toContain(row?.api.replace(/\/ID$/, ''))
    }
    const add = tools.find((t) => t.name === 'add_fault_rule')
    expect(add?.inputSchema.required).toEqual(['rule'])
    expect(Object.keys(add?.inputSchema.properties ?? {}).sort()).toEqual(['rule', 'session'])
    expect(add?.annotations?.readOnlyHint).toBe(false)
    expect(tools.find((t) => t.name === 'read_journal')?.annotations?.readOnlyHint).toBe(true)
    expect(client.getInstructions()).toContain(base)

    const health = await (await fetch(`${base}/__mock/health`)).json()
    const listed = await call(client, 'list_operations')
    expect(listed.operations).toEqual(health.operations)
  })

  it('injects a fault into one session, which the journal and rule counters then show', async () => {
    const { client } = await connect(['--base', base])
    const [added] = (
      await call(client, 'add_fault_rule', {
        rule: {
          id: 'down',
          match: { operation: 'snowflake.listImageRepositories' },
          effect: { status: 503, retryAfter: 2 },
        },
        session: 'ai',
      })
    ).rules
    expect(added).toMatchObject({ id: 'down', effect: { status: 503, retryAfter: 2 } })

    const failed = await vendorGet('ai')
    expect(failed.status).toBe(503)
    expect(failed.headers.get('retry-after')).toBe('2')
    expect((await vendorGet()).status, 'the default session has no such rule').toBe(200)

    expect((await call(client, 'list_sessions')).sessions).toContain('ai')
    const { rules } = await call(client, 'list_fault_rules', { session: 'ai' })
    expect(rules).toEqual([expect.objectContaining({ id: 'down', matched: 1, fired: 1 })])
    const journal = await call(client, 'read_journal', {
      session: 'ai',
      operation: 'snowflake.*',
    })
    expect(journal.entries).toEqual([
      expect.objectContaining({
        operation: 'snowflake.listImageRepositories',
        status: 503,
        fault: 'down',
        session: 'ai',
      }),
    ])

    expect(await call(client, 'remove_fault_rule', { id: 'down', session: 'ai' })).toMatch(/done/)
    expect((await vendorGet('ai')).status).toBe(200)
    expect(
      (await call(client, 'read_journal', { session: 'ai', limit: 1 })).entries.map(
        (e: { status: number }) => e.status,
      ),
    ).toEqual([200])
    // The 503 and the 200 after it are one retry chain; coverage lists what was not met.
    const { chains } = await call(client, 'retries', { session: 'ai' })
    expect(chains).toEqual([
      expect.objectContaining({
        operation: 'snowflake.listImageRepositories',
        outcome: 'succeeded',
        attempts: [
          expect.objectContaining({ status: 503, retryAfterMs: 2000 }),
          expect.objectContaining({ status: 200 }),
        ],
      }),
    ])
    const { operations } = await call(client, 'coverage', { session: 'ai' })
    expect(operations[0]).toMatchObject({
      operation: 'snowflake.listImageRepositories',
      calls: 2,
      received: { statuses: [200, 503] },
    })
    expect(operations[0].untested.statuses).toContain(429)
  })

  it('moves the clock, copies state between sessions and resets', async () => {
    const { client } = await connect(['--base', base])
    const before = await (
      await fetch(`${base}/__mock/clock`, { headers: { 'X-Mock-Session': 'clock' } })
    ).json()
    const moved = await call(client, 'advance_clock', { advanceMs: 90_000, session: 'clock' })
    expect(moved.nowMs).toBe(before.nowMs + 90_000)
    const jumped = await call(client, 'advance_clock', {
      now: '2030-01-01T00:00:00.000Z',
      session: 'clock',
    })
    expect(jumped.now).toBe('2030-01-01T00:00:00.000Z')

    await call(client, 'add_fault_rule', {
      rule: [
        { id: 'a', match: { operation: 'cycle.*' }, effect: { status: 500 } },
        { id: 'b', match: { operation: 'swr.*' }, effect: { delayMs: 1 } },
      ],
      session: 'source',
    })
    const state = await call(client, 'get_state', { session: 'source' })
    const put = await call(client, 'put_state', { state, session: 'copy' })
    expect(put.faults.map((r: { id: string }) => r.id)).toEqual(['a', 'b'])
    const copied = await (
      await fetch(`${base}/__mock/state`, { headers: { 'X-Mock-Session': 'copy' } })
    ).json()
    expect(copied).toEqual(state)

    const reset = await call(client, 'reset_session', { session: 'copy', seed: 9 })
    expect(reset).toEqual({ session: 'copy', scenario: 'default', seed: 9 })
    expect((await call(client, 'list_fault_rules', { session: 'copy' })).rules).toEqual([])
  })

  it("answers a refused request with the control API's status and message as a tool error", async () => {
    const { client } = await connect(['--base', base])
    await expect(
      call(client, 'add_fault_rule', { rule: { effect: { status: 200 } } }),
    ).rejects.toThrow(
      'POST /__mock/faults answered 400: effect.status: must be an error status (400-599) or a redirect (301, 302, 303, 307, 308) with location; got 200 (a fault never answers a success)',
    )
    await expect(call(client, 'remove_fault_rule', { id: 'nope' })).rejects.toThrow(
      'DELETE /__mock/faults/nope answered 404: no fault rule with id "nope"',
    )
    // Checked before sending, by the control API's own rule: a CR or LF cannot go in a header.
    for (const bad of ['no spaces', 'a\r\nX-Evil: 1', '', 'x'.repeat(65)]) {
      await expect(call(client, 'reset_session', { session: bad })).rejects.toThrow(
        /Input validation error.*session.*must be 1-64 letters, digits, dots, dashes or underscores/s,
      )
    }
    expect((await call(client, 'list_sessions')).sessions, 'no session was made').not.toContain('a')
    await expect(call(client, 'reset_session', { scenario: 'nope' })).rejects.toThrow(
      /answered 400: .*unknown scenario/,
    )
    await expect(call(client, 'advance_clock', { advanceMs: -1 })).rejects.toThrow(
      /Input validation error.*advanceMs/,
    )
  })

  it('says when the mock at --base cannot be reached', async () => {
    const closed = createApp(createMock()).listen(0, '127.0.0.1')
    await new Promise((resolve) => closed.once('listening', resolve))
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    const { client } = await connect(['--base', gone])
    await expect(call(client, 'list_sessions')).rejects.toThrow(
      `cannot reach the mock at ${gone}: connect ECONNREFUSED`,
    )
  })
})

describe('image-registry-mock mcp --base URL that is not the mock', () => {
  async function listen(server: Server | NetServer): Promise<string> {
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('gives up on a server that accepts the connection and never answers', async () => {
    const sockets: Socket[] = []
    const silent = createNetServer((socket) => sockets.push(socket))
    const url = await listen(silent)
    try {
      const { client } = await connect(['--base', url, '--timeout-ms', '500'])
      const started = Date.now()
      await expect(call(client, 'list_sessions')).rejects.toThrow(
        `no answer from ${url}/__mock/sessions within 0.5 s`,
      )
      expect(Date.now() - started).toBeGreaterThanOrEqual(450)
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  it('gives up on a server that answers its head but never its body', async () => {
    const stalled = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"sessions": [')
    })
    const url = await listen(stalled)
    try {
      const { client } = await connect(['--base', url, '--timeout-ms', '500'])
      await expect(call(client, 'list_sessions')).rejects.toThrow(
        `no answer from ${url}/__mock/sessions within 0.5 s`,
      )
    } finally {
      stalled.closeAllConnections()
      stalled.close()
    }
  })

  it('says so, with status, content type and first bytes, when the answer is not the mock’s JSON', async () => {
    const page = `<!doctype html><title>Welcome</title>${'<p>x</p>'.repeat(100)}`
    const foreign = createHttpServer((req, res) => {
      const status = req.method === 'POST' ? 502 : 200
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
      res.end(page)
    })
    const url = await listen(foreign)
    try {
      const { client } = await connect(['--base', url])
      const quoted = JSON.stringify(`${page.slice(0, 200)}…`)
      await expect(call(client, 'list_sessions')).rejects.toThrow(
        `${url}/__mock/sessions did not answer as image-registry-mock (status 200, text/html; charset=utf-8): ${quoted}`,
      )
      await expect(call(client, 'reset_session')).rejects.toThrow(
        `${url}/__mock/reset did not answer as image-registry-mock (status 502, text/html; charset=utf-8): ${quoted}`,
      )
    } finally {
      foreign.close()
    }
  })
})

describe('image-registry-mock mcp without --base', () => {
  it('starts its own mock with the given options, names its URL, and exits when the client closes', async () => {
    const { client, transport, stderr } = await connect(['--seed', '7', '--auth', 'off'])
    const url = /listening on (http:\/\/\S+)/.exec(stderr())?.[1]
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(client.getInstructions()).toContain(url)
    const listed = await call(client, 'list_operations')
    expect(listed).toMatchObject({ seed: 7, auth: false, scenario: 'default' })
    await call(client, 'add_fault_rule', {
      rule: { match: { operation: 'snowflake.listImageRepositories' }, effect: { status: 429 } },
    })
    // auth off: no credentials needed
    expect((await fetch(`${url}${LIST}`)).status).toBe(429)

    const pid = transport.pid as number
    await client.close()
    clients.length = 0
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50))
    expect(isAlive(pid), 'the process ends with the session').toBe(false)
  })

  it.each([
    [['--base', 'ftp://example.com'], /mcp --base must be the mock's http\(s\) URL/],
    [['--base', 'http://127.0.0.1:1', '--seed', '3'], /mcp --seed sets up its own mock/],
    [['--auth', 'maybe'], /--auth must be "on" or "off"; got "maybe"/],
    [['--bogus'], /mcp: Unknown option '--bogus'/],
    [['--timeout-ms', '0'], /--timeout-ms must be at least 1; got 0/],
    [['--timeout-ms', 'soon'], /--timeout-ms must be a whole number; got "soon"/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const child = startServer(bundle.file, ['mcp', ...args])
    expect(await child.exited()).toBe(2)
    expect(child.stderr()).toMatch(message)
    expect(child.stdout()).toBe('')
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
