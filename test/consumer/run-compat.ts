/**
 * `npm run test:compat`: the consumer check again under Node 24 with msw 3 (msw 3 needs Node 22+;
 * the registry's `node` package brings a Node 24 binary into the consumer project), its browser
 * app built with msw 3's Vite plugin and run in Chromium.
 */
import { browserProblems, runConsumerCheck } from './consumer.ts'

const started = Date.now()
const { nodeVersion, mswVersion, health, browser } = await runConsumerCheck({
  msw: '^3.0.0',
  nodeMajor: 24,
})
const healthy =
  typeof health === 'object' && health !== null && (health as { status?: string }).status === 'ok'
if (!healthy)
  console.log(`npx image-registry-mock answered /__mock/health with ${JSON.stringify(health)}`)
const problems = browser ? browserProblems(browser) : []
for (const problem of problems) console.log(`browser app: ${problem}`)
if (!browser) console.log('browser app: skipped, Chromium is not installed')
const ok = healthy && problems.length === 0
console.log(
  `consumer check under Node ${nodeVersion} with msw ${mswVersion}: ${ok ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
)
console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed')
if (!ok) process.exit(1)
