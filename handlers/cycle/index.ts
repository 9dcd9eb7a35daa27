import { defineVendor } from '../../core/vendor.ts'

/** Cycle.io (placeholder until the vendor lands; serves nothing). */
export const cycle = defineVendor({
  name: 'cycle',
  title: 'Cycle.io',
  pathPrefixes: [],
  requestIdHeader: 'X-Request-Id',
  createRequestId: (random) => random.hex(32),
  createStore: () => ({}),
  operations: [],
  renderError: () => ({ status: 500, body: { message: 'not implemented' } }),
})
