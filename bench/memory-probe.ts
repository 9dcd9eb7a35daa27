/**
 * Retained memory versus garbage: serves the mock in this process, loads it with autocannon,
 * then forces a full GC and prints heap and RSS. Run: `node --expose-gc --import tsx bench/memory-probe.ts`.
 */
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import { createMock } from '../index.ts'
import { createApp } from '../server/app.ts'

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`
const report = (label: string) => {
  ;(globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  console.log(
    `${label}: rss ${mb(m.rss)}, heapUsed ${mb(m.heapUsed)}, heapTotal ${mb(m.heapTotal)}, external ${mb(m.external)}`,
  )
}

const mock = createMock()
await mock.ready
report('idle')
const server = createApp(mock).listen(0, '127.0.0.1')
await new Promise((r) => server.once('listening', r))
const { port } = server.address() as AddressInfo
for (let round = 1; round <= 3; round++) {
  await autocannon({
    url: `http://127.0.0.1:${port}/api/v2/databases/ml_platform/schemas/images/image-repositories`,
    headers: { Authorization: 'Bearer x' },
    connections: 10,
    duration: 5,
  })
  report(
    `after ${round * 5} s of load (journal ${mock.journal.size}, dropped ${mock.journal.dropped})`,
  )
}
server.close()
