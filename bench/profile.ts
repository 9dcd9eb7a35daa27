/**
 * Where a request's time goes: runs one workload in-process through `getResponse` and prints µs
 * per request. Run under `node --cpu-prof --import tsx bench/profile.ts <fixture>` for a profile.
 */
import { getResponse } from 'msw'
import { FIXTURES, fixtureRequest, prepareMock } from './fixtures.ts'

const name = process.argv[2] ?? 'snowflake-fetch'
const fixture = FIXTURES[name]
if (!fixture) throw new Error(`unknown fixture ${name}; known: ${Object.keys(FIXTURES).join(', ')}`)
const mock = await prepareMock(fixture)
const once = async () => {
  const response = await getResponse(mock.handlers, fixtureRequest(fixture, mock))
  if (!response || response.status >= 400) throw new Error(`unexpected answer ${response?.status}`)
  await response.arrayBuffer()
}
for (let i = 0; i < 500; i++) await once()
const requests = 3000
const started = performance.now()
for (let i = 0; i < requests; i++) await once()
console.log(
  `${name}: ${(((performance.now() - started) * 1000) / requests).toFixed(1)} µs per request`,
)
