import { describe, expect, it } from 'vitest'
import { CYCLE_DEFAULTS, readConfig } from '../../examples/src/config.ts'
import { CYCLE_HUBS } from '../../fixtures/cycle.ts'

describe('example app settings', () => {
  it('talks to the msw worker on its own origin by default', () => {
    expect(readConfig('')).toMatchObject({
      target: 'worker',
      origin: '',
      scenario: 'default',
      seed: 1,
      session: undefined,
    })
  })

  it('switches to the standalone server with ?target=server&port=…', () => {
    expect(readConfig('?target=server&port=4321&session=demo')).toMatchObject({
      target: 'server',
      origin: 'http://127.0.0.1:4321',
      session: 'demo',
    })
    expect(readConfig('?target=server').origin, 'port 4010 by default').toBe(
      'http://127.0.0.1:4010',
    )
  })

  it('reads VITE_MOCK_TARGET, VITE_MOCK_PORT and VITE_MOCK_URL, with the query string winning', () => {
    expect(readConfig('', { VITE_MOCK_TARGET: 'server', VITE_MOCK_PORT: '5000' }).origin).toBe(
      'http://127.0.0.1:5000',
    )
    expect(
      readConfig('', { VITE_MOCK_TARGET: 'server', VITE_MOCK_URL: 'http://mock.local:9000/x' })
        .origin,
    ).toBe('http://mock.local:9000')
    expect(readConfig('?target=worker', { VITE_MOCK_TARGET: 'server' }).target).toBe('worker')
  })

  it('refuses an unknown target or port with a message', () => {
    expect(() => readConfig('?target=cloud')).toThrow(
      'target must be "worker" or "server"; got "cloud"',
    )
    expect(() => readConfig('?target=server&port=70000')).toThrow(
      'port must be a whole number from 1 to 65535; got "70000"',
    )
  })

  it('uses the default scenario’s main Cycle hub', () => {
    expect(CYCLE_DEFAULTS.hubId).toBe(CYCLE_HUBS.main.id)
    expect(readConfig('?hub=abc&cycleToken=t').cycle).toEqual({ hubId: 'abc', token: 't' })
  })
})
