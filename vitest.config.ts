import { defineConfig } from 'vitest/config'

/**
 * The suites, as projects. `npm test` (`vitest run`) runs them all; `npm run test:quick`
 * (`vitest run --mode quick`) runs `in-process` alone, through msw only, without its load tests
 * (fuzzers, concurrency, the 10,000-record scale tests).
 *
 * - `browser`: the example app and the dashboard in headless Chromium.
 * - `packaging`: the packed tarball installed into a fresh project, and the README's examples,
 *   each run by a vitest of its own.
 * - `http`: the standalone server and the recording proxy as child processes, spoken to over
 *   HTTP (CLI flags, files, signals, the Python example).
 * - `in-process`: everything else, in vitest's own workers; each harness test through msw and
 *   through Express on a loopback port (`TEST_TRANSPORTS`, test/support/harness.ts).
 */
const BROWSER = [
  'test/browser/example-app.test.ts',
  'test/browser/persist.test.ts',
  'test/browser/route-hint.test.ts',
  'test/dashboard/dom.test.ts',
]
const PACKAGING = [
  'test/consumer/consumer.test.ts',
  'test/consumer/playwright-and-mcp.test.ts',
  'test/readme/readme.test.ts',
]
const HTTP = [
  'test/core/cli.test.ts',
  'test/proxy/cli.test.ts',
  'test/robustness/pathological-patterns.test.ts',
  'test/standalone/mcp.test.ts',
  'test/standalone/python-example.test.ts',
  'test/standalone/launchers.test.ts',
  'test/standalone/sharding.test.ts',
  'test/standalone/state-and-scenario-files.test.ts',
]
/** Load tests: property-based fuzzers and 1,000 concurrent requests, minutes of the run. */
const LOAD = ['test/robustness/**', 'test/**/*.fuzz.test.ts', 'test/core/concurrency.test.ts']
/** Scale tests, each named for its 10,000 records. */
const NOT_SCALE = /^(?!.*\b10,000\b)/

export default defineConfig(({ mode }) => {
  const quick = mode === 'quick'
  const shared = {
    testTimeout: 20_000,
    hookTimeout: 60_000,
  }
  const inProcess = {
    test: {
      ...shared,
      name: 'in-process',
      include: ['test/**/*.test.ts'],
      exclude: [...BROWSER, ...PACKAGING, ...HTTP],
      ...(quick && {
        exclude: [...BROWSER, ...PACKAGING, ...HTTP, ...LOAD],
        testNamePattern: NOT_SCALE,
        env: { TEST_TRANSPORTS: 'msw' },
        // One module graph per worker instead of one per file: most of a file's time is importing
        // the mock. Full runs keep every file isolated.
        isolate: false,
        setupFiles: ['test/support/shared-modules.ts'],
      }),
    },
  }
  const others = [
    { test: { ...shared, name: 'http', include: HTTP } },
    { test: { ...shared, name: 'browser', include: BROWSER } },
    { test: { ...shared, name: 'packaging', include: PACKAGING } },
  ]
  return {
    test: {
      reporters: ['default', './test/support/summary-reporter.ts'],
      projects: quick ? [inProcess] : [inProcess, ...others],
    },
  }
})
