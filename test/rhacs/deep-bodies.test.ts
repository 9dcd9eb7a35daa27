import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectRhacsError } from './contract.ts'
import { send, storeOf } from './helpers.ts'

/** Far deeper than any recursive walk of a value survives on a default V8 stack. */
const DEPTH = 100_000

const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
const nestedArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`

// Every RHACS operation that reads a body, with each of its fields and the type protojson names.
const FIELDS: Array<[string, string, 'string' | 'bool']> = [
  ['/v1/watchedimages', 'name', 'string'],
  ['/v1/images/scan', 'imageName', 'string'],
  ['/v1/images/scan', 'force', 'bool'],
  ['/v1/images/scan', 'includeSnoozed', 'bool'],
  ['/v1/images/scan', 'cluster', 'string'],
  ['/v1/images/scan', 'namespace', 'string'],
]

describe.each(TRANSPORTS)('RHACS bodies nested %d deep (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it.each(FIELDS)(
    '%s: a nested object or array as %s is a 400 naming its first token',
    async (path, field, type) => {
      const before = storeOf(h).images.all().length
      for (const [nested, token] of [
        [nestedObject(DEPTH), '{'],
        [nestedArray(DEPTH), '['],
      ]) {
        await expectRhacsError(
          await send(h, 'POST', path, `{"${field}": ${nested}}`),
          400,
          3,
          `proto: invalid value for ${type} field ${field}: ${token}`,
        )
      }
      expect(storeOf(h).images.all().length, 'a refused body changes nothing').toBe(before)
    },
  )

  it('a deep value under an unknown field is discarded, as protojson discards it', async () => {
    const response = await send(
      h,
      'POST',
      '/v1/images/scan',
      `{"unknown": ${nestedObject(DEPTH)}, "imageName": "sha256:${'0'.repeat(64)}"}`,
    )
    // The digest-only name is refused by the scan itself, so the deep field was read past.
    await expectRhacsError(response, 400, 3, /a registry and repository are needed/)
  })

  it('a deep body that is not an object is a 400 naming its first token', async () => {
    await expectRhacsError(
      await send(h, 'POST', '/v1/watchedimages', nestedArray(DEPTH)),
      400,
      3,
      'proto: syntax error (line 1:1): unexpected token [; the body must be a JSON object',
    )
  })
})
