import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compilePath } from '../../core/path-pattern.ts'
import type { AnyOperation, AnyVendor } from '../../core/vendor.ts'
import { vendors } from '../../handlers/index.ts'
import { expectInCatalogue } from '../support/catalogue.ts'
import { HAVE_CONTRACTS } from '../support/contracts.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

/**
 * Every error the mock can produce, for every operation of every vendor, must be one the vendor
 * publishes (test/support/catalogue.ts reads the catalogues from the contracts). Generated from the
 * operation table: a new operation or a new status in its `statuses` is covered without a new test.
 */

const MAX_BODY_BYTES = 256
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Credentials and headers each vendor needs to get past authentication. */
const AUTHORIZED: Record<string, Record<string, string>> = {
  snowflake: { Authorization: 'Bearer catalogue-token' },
  rhacs: { Authorization: 'Bearer catalogue-token' },
  swr: { 'X-Auth-Token': 'catalogue-token', 'Content-Type': 'application/json' },
  cycle: {
    Authorization: 'Bearer catalogue-token',
    'X-Hub-Id': '651586fca6078e98982dbd90',
    'Content-Type': 'application/json',
  },
}

/** Credentials each vendor refuses. */
const REFUSED: Record<string, Record<string, string>> = {
  snowflake: { Authorization: 'Basic Zm9vOmJhcg==' },
  rhacs: { Authorization: `Basic ${btoa('intruder:guess')}` },
  swr: { Authorization: 'SDK-HMAC-SHA256 Access=UNKNOWN, SignedHeaders=host, Signature=00' },
  cycle: { Authorization: 'Basic Zm9vOmJhcg==', 'X-Hub-Id': '651586fca6078e98982dbd90' },
}

/** A concrete path for an operation's template. */
function concrete(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === 'database' ? 'ML_PLATFORM' : name === 'schema' ? 'IMAGES' : 'catalogue1',
  )
}

const ALL = vendors.flatMap((vendor) =>
  vendor.operations.map((operation) => ({ vendor: vendor as AnyVendor, operation })),
)

/** A method no operation of any vendor serves at this path, if there is one. */
function wrongMethod(path: string): string | undefined {
  const href = `http://x${path}`
  const served = new Set(
    vendors.flatMap((v) =>
      v.operations
        .filter((op) => compilePath(op.path, undefined, v.routing).regexp.test(href))
        .map((op) => op.method),
    ),
  )
  return METHODS.find((m) => !served.has(m))
}

/** Error statuses the operation lists for `Prefer: code=` and fault rules. */
const errorStatuses = (operation: AnyOperation) =>
  (operation.statuses ?? []).filter((status) => status >= 400)

/** Statuses no vendor publishes, and statuses some vendors lack. */
const FOREIGN_STATUSES = [405, 413, 418, 503, 502]

describe.skipIf(!HAVE_CONTRACTS).each(TRANSPORTS)('error catalogue (%s)', (transport) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(transport, { maxBodyBytes: MAX_BODY_BYTES })
  })
  afterAll(() => h.close())

  const send = (path: string, init: RequestInit) => h.fetch(path, { redirect: 'manual', ...init })

  for (const vendor of vendors) {
    for (const prefix of vendor.pathPrefixes) {
      it(`${vendor.name}: an unknown route under ${prefix}`, async () => {
        const response = await send(`${prefix}/no-such-route/at-all`, {
          headers: AUTHORIZED[vendor.name],
        })
        const seen = await expectInCatalogue(vendor.name, response, `GET ${prefix}/no-such-route`)
        expect(seen.status).toBe(404)
      })
    }
  }

  for (const { vendor, operation } of ALL) {
    const id = `${vendor.name}.${operation.id}`
    const path = concrete(operation.path)
    const authorized = AUTHORIZED[vendor.name] ?? {}

    describe(id, () => {
      const other = wrongMethod(path)
      it.skipIf(!other)(`a method the path does not serve (${other})`, async () => {
        const response = await send(path, { method: other, headers: authorized })
        await expectInCatalogue(vendor.name, response, `${other} ${path}`)
      })

      it('no credentials', async () => {
        const response = await send(path, { method: operation.method })
        const seen = await expectInCatalogue(vendor.name, response, `${id} without credentials`)
        expect(seen.status).toBe(401)
      })

      it('credentials the vendor refuses', async () => {
        const response = await send(path, {
          method: operation.method,
          headers: REFUSED[vendor.name],
        })
        await expectInCatalogue(vendor.name, response, `${id} with refused credentials`)
      })

      it.skipIf(!BODY_METHODS.has(operation.method))('a body over the size limit', async () => {
        const response = await send(path, {
          method: operation.method,
          headers: authorized,
          body: JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES * 2) }),
        })
        await expectInCatalogue(vendor.name, response, `${id} with a body over the limit`)
      })

      it.skipIf(!BODY_METHODS.has(operation.method))('a malformed JSON body', async () => {
        const response = await send(path, {
          method: operation.method,
          headers: { ...authorized, 'Content-Type': 'application/json' },
          body: '{"name": ',
        })
        if (response.status < 400) return // an operation that takes no body ignores it
        await expectInCatalogue(vendor.name, response, `${id} with malformed JSON`)
      })

      it('an invalid session name and invalid mock headers', async () => {
        const cases: Array<Record<string, string>> = [
          { 'X-Mock-Session': 'not a session!' },
          { Prefer: 'code=abc' },
          { 'X-Mock-Delay': 'soon' },
        ]
        for (const headers of cases) {
          const response = await send(path, {
            method: operation.method,
            headers: { ...authorized, ...headers },
          })
          const seen = await expectInCatalogue(
            vendor.name,
            response,
            `${id} ${Object.keys(headers)}`,
          )
          expect(seen.status).toBe(400)
        }
      })

      it.each(errorStatuses(operation))(
        'Prefer: code=%i and a fault rule forcing it',
        async (status) => {
          const preferred = await send(path, {
            method: operation.method,
            headers: { ...authorized, Prefer: `code=${status}` },
          })
          expect(preferred.status).toBe(status)
          await expectInCatalogue(vendor.name, preferred, `${id} Prefer: code=${status}`)

          h.mock.faults.clear()
          h.mock.raw.faults.add({ match: { operation: id }, effect: { status }, times: 1 })
          const faulted = await send(path, { method: operation.method, headers: authorized })
          h.mock.faults.clear()
          expect(faulted.status).toBe(status)
          await expectInCatalogue(vendor.name, faulted, `${id} fault ${status}`)
        },
      )

      const foreign = FOREIGN_STATUSES.filter((s) => !errorStatuses(operation).includes(s))
      it.skipIf(foreign.length === 0)(
        `refuses Prefer: code= and fault rules for statuses it cannot answer (${foreign})`,
        async () => {
          for (const status of foreign) {
            const response = await send(path, {
              method: operation.method,
              headers: { ...authorized, Prefer: `code=${status}` },
            })
            const seen = await expectInCatalogue(vendor.name, response, `${id} Prefer ${status}`)
            expect(seen.status).toBe(400)
            expect(() =>
              h.mock.raw.faults.add({ match: { operation: id }, effect: { status } }),
            ).toThrow(new RegExp(`effect.status ${status} is not a status ${id} can answer`))
          }
        },
      )
    })
  }

  it('a fault rule over several vendors fires only where the status is answerable', async () => {
    h.mock.faults.clear()
    h.mock.faults.add({ id: 'everywhere-503', match: { operation: '*' }, effect: { status: 503 } })
    for (const { vendor, operation } of ALL.filter((o) => o.operation.method === 'GET')) {
      const response = await send(concrete(operation.path), {
        headers: AUTHORIZED[vendor.name],
      })
      const fired = response.headers.get('x-mock-fault') === 'everywhere-503'
      expect(fired, `${vendor.name}.${operation.id}`).toBe(errorStatuses(operation).includes(503))
      if (response.status >= 400) await expectInCatalogue(vendor.name, response, operation.id)
      else await response.arrayBuffer()
    }
    h.mock.faults.clear()
  })
})

describe.skipIf(!HAVE_CONTRACTS).each(TRANSPORTS)(
  'error catalogue: session limit (%s)',
  (transport) => {
    let h: Harness
    beforeAll(async () => {
      h = await startHarness(transport, { maxSessions: 1 })
    })
    afterAll(() => h.close())

    for (const vendor of vendors) {
      const operation = vendor.operations[0] as AnyOperation
      it(`${vendor.name}: a session beyond the limit`, async () => {
        const response = await h.fetch(concrete(operation.path), {
          method: operation.method,
          headers: { ...AUTHORIZED[vendor.name], 'X-Mock-Session': `full-${vendor.name}` },
        })
        await expectInCatalogue(vendor.name, response, `${vendor.name} session limit`)
      })
    }
  },
)
