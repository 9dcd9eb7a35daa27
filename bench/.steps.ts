import { getResponse } from 'msw'
import { FIXTURES, fixtureRequest, prepareMock } from '/work/main/bench/fixtures.ts'
import { REQUEST_STEPS, RESPONSE_STEPS } from '/work/main/core/pipeline/index.ts'
const acc = new Map<string, number>()
const wrap = (list: any[]) => list.forEach((step, i) => {
  const name = step.name
  list[i] = async (x: any) => { const t = performance.now(); try { return await step(x) } finally { acc.set(name, (acc.get(name) ?? 0) + performance.now() - t) } }
})
wrap(REQUEST_STEPS as any[]); wrap(RESPONSE_STEPS as any[])
const name = process.argv[2]!
const fixture = FIXTURES[name]!
const mock = await prepareMock(fixture)
const bare = [fixture.bare(mock)]
const run = async (handlers: any, n: number) => { const t = performance.now(); for (let i = 0; i < n; i++) { const r = await getResponse(handlers, fixtureRequest(fixture, mock)); await r!.arrayBuffer() } return (performance.now() - t) * 1000 / n }
for (let i = 0; i < 2; i++) { await run(mock.handlers, 300); await run(bare, 300) }
acc.clear()
const m: number[] = [], b: number[] = []
for (let i = 0; i < 10; i++) { m.push(await run(mock.handlers, 300)); b.push(await run(bare, 300)) }
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!
console.log(name, 'mock', med(m).toFixed(0), 'bare', med(b).toFixed(0), 'ratio', (med(m) / med(b)).toFixed(2))
for (const [k, v] of acc) console.log('  ', k.padEnd(18), (v * 1000 / 3000).toFixed(1), 'µs')
