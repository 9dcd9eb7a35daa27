import type { Reporter, TestModule } from 'vitest/node'
import { CONTRACTS_DIR, HAVE_CONTRACTS } from './contracts.ts'

/**
 * Plain lines that tools outside vitest can read without parsing its coloured output: at the
 * start, which contract tests the run skips and how to enable them (a run in CI, where `CI` is
 * set, fails there instead: a green CI run means the contracts were checked); at the end,
 * `vitest: N passed, N failed[, N skipped]`.
 */
export default class SummaryReporter implements Reporter {
  onInit(): void {
    if (HAVE_CONTRACTS) return
    const missing = `no vendor contracts at ${CONTRACTS_DIR}`
    if (process.env.CI && process.env.CI !== 'false') {
      // A plain message and exit code, not a thrown error: this is a setup problem, not a crash.
      process.stderr.write(
        `vitest: ${missing}: CI runs the contract tests; check the contracts out there or set CONTRACTS_DIR to them\n`,
      )
      process.exit(1)
    }
    process.stdout.write(
      `vitest: contract tests skipped (${missing}): test/core/error-catalogue.test.ts, ` +
        'test/cycle/contract.test.ts, the typed-client check in test/cycle/typed-client.test.ts, ' +
        'and the contract (ajv) assertions of the vendor tests; set CONTRACTS_DIR to the contracts ' +
        'folder to run them\n',
    )
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++
    }
    if (!HAVE_CONTRACTS) {
      process.stdout.write(
        `\nvitest: contract checks skipped (no vendor contracts at ${CONTRACTS_DIR})`,
      )
    }
    process.stdout.write(
      `\nvitest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    )
  }
}
