/**
 * Where a request's time goes: runs one workload in-process and prints µs per request.
 * `node --import tsx bench/profile.ts <fixture> [mock|bare] [direct|fetch]`: the mock's handlers
 * or the fixture's bare msw baseline (b); called directly through msw's `getResponse`, or
 * through an intercepted `fetch` (msw/node), as the in-process bench does. Run under
 * `node --cpu-prof --import tsx bench/profile.ts …` for a profile. `N` sets how many requests are
 * timed (default 3000).
 */
import { getResponse, type HttpHandler } from 'msw'
import { setupServer } from 'msw/node'
import { drainAnswer, FIXTURES, fixtureRequest, prepareMock } from './fixtures.ts'

const [name = 'snowflake-fetch', variant = 'mock', transport = 'direct'] = process.argv.slice(2)
const fixture = FIXTURES[name]
if (!fixture) throw new Error(`unknown fixture ${name}; known: ${Object.keys(FIXTURES).join(', ')}`)
const mock = await prepareMock(fixture)
const handlers: HttpHandler[] = variant === 'bare' ? [fixture.bare(mock)] : mock.handlers
if (transport === 'fetch') setupServer(...handlers).listen({ onUnhandledRequest: 'error' })
const answer = (request: Request) =>
  transport === 'fetch' ? fetch(request) : getResponse(handlers, request)
const once = async () => {
  await drainAnswer(await answer(fixtureRequest(fixture, mock)))
}
for (let i = 0; i < 500; i++) await once()
const requests = Number(process.env.N ?? 3000)
const started = performance.now()
for (let i = 0; i < requests; i++) await once()
console.log(
  `${name} (${variant}, ${transport}): ${(((performance.now() - started) * 1000) / requests).toFixed(1)} µs per request`,
)
