/**
 * In-process A/B at the same moment: alternating blocks of 100 mock and 100 bare-msw requests
 * (`getResponse`, no transport) over one fixture's data, so a change in the machine's speed falls
 * on both sides alike. Prints the median µs per request of each side over the blocks.
 * `node --import tsx bench/ab.ts [fixture,fixture…] [blocks]` (default: every fixture, 40 blocks).
 */
import { getResponse, type HttpHandler } from 'msw'
import { drainAnswer, FIXTURES, fixtureRequest, prepareMock } from './fixtures.ts'
import { median } from './stats.ts'

const names = process.argv[2]?.split(',') ?? Object.keys(FIXTURES)
const blocks = Number(process.argv[3] ?? 40)
for (const name of names) {
  const fixture = FIXTURES[name]
  if (!fixture)
    throw new Error(`unknown fixture ${name}; known: ${Object.keys(FIXTURES).join(', ')}`)
  const mock = await prepareMock(fixture)
  const sides: Record<'mock' | 'bare', HttpHandler[]> = {
    mock: mock.handlers,
    bare: [fixture.bare(mock)],
  }
  const once = async (handlers: HttpHandler[]) =>
    drainAnswer(await getResponse(handlers, fixtureRequest(fixture, mock)))
  for (let i = 0; i < 400; i++) {
    await once(sides.mock)
    await once(sides.bare)
  }
  const times: Record<'mock' | 'bare', number[]> = { mock: [], bare: [] }
  for (let block = 0; block < blocks; block++) {
    for (const side of block % 2 ? (['mock', 'bare'] as const) : (['bare', 'mock'] as const)) {
      const started = performance.now()
      for (let i = 0; i < 100; i++) await once(sides[side])
      times[side].push((performance.now() - started) * 10)
    }
  }
  const [m, b] = [median(times.mock), median(times.bare)]
  console.log(
    `${name}: mock ${m.toFixed(1)} µs, bare ${b.toFixed(1)} µs, bare / mock ${(b / m).toFixed(2)}`,
  )
}
process.exit(0)
