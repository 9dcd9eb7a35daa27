import { networkInterfaces } from 'node:os'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildServerBundle, killServers, startServer } from '../support/cli-process.ts'

// The standalone server's banner names URLs a browser on this machine can open, whatever address
// it binds: a wildcard address listens everywhere but is no destination.
let bundle: Awaited<ReturnType<typeof buildServerBundle>>
beforeAll(async () => {
  bundle = await buildServerBundle()
})
afterAll(() => bundle?.dispose())
afterEach(() => killServers())

const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) =>
  addresses?.some((a) => a.family === 'IPv6' && a.address === '::1'),
)

describe('the banner of a server bound to every interface', () => {
  const cases: Array<[string, RegExp]> = [['0.0.0.0', /^http:\/\/127\.0\.0\.1:\d+$/]]
  if (hasIpv6Loopback) cases.push(['::', /^http:\/\/\[::1\]:\d+$/])
  it.each(cases)('--host %s prints a loopback URL that answers', async (host, shape) => {
    const server = startServer(bundle.file, ['--host', host, '--port', '0'])
    const url = await server.url()
    expect(url).toMatch(shape)
    expect(server.stdout()).toMatch(/^image-registry-mock \S+ listening on http:\/\/\S+$/m)
    expect(server.stdout()).toContain(`\ndashboard: ${url}/__mock/\n`)
    expect(server.stdout()).toContain(`\ncontrol API: ${url}/__mock/health\n`)
    expect(server.stdout()).not.toContain(host === '::' ? '[::]' : '0.0.0.0')
    expect((await fetch(`${url}/__mock/health`)).status).toBe(200)
    expect((await fetch(`${url}/__mock/`)).status).toBe(200)
  })

  it('--host 127.0.0.1 keeps its address', async () => {
    const server = startServer(bundle.file, ['--host', '127.0.0.1', '--port', '0'])
    expect(await server.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
})
