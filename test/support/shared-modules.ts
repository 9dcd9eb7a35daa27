/**
 * Setup file of `npm run test:quick`, whose test files share one module graph per worker (no
 * isolation, the bulk of its time saved): each file ends with the harness's msw/node server
 * stopped, as a file of its own would.
 */
import { afterAll } from 'vitest'
import { closeMswServer } from './harness.ts'

afterAll(() => closeMswServer())
