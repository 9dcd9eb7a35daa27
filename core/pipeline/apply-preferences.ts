import { MockStatusError } from '../errors.ts'
import type { MockRequest } from '../request-input.ts'
import { sleep } from '../sleep.ts'
import type { AnyOperation } from '../vendor.ts'
import { parseWholeNumber } from '../whole-number.ts'
import type { Step } from './exchange.ts'
import { abandon } from './inject-faults.ts'

const MAX_MOCK_DELAY_MS = 300_000

/**
 * Per-request wishes without a rule: `Prefer: code=NNN` forces an error status with the vendor's
 * body (as Prism does) and `X-Mock-Delay: ms` adds latency. Needs a routed operation.
 */
export const applyPreferences: Step = async (exchange) => {
  const { operation, request } = exchange
  if (!operation) return
  applyPreferCode(request, operation)
  const delay = parseMockDelay(request)
  if (delay === undefined) return
  exchange.delayMs = (exchange.delayMs ?? 0) + delay
  if (delay > 0) await sleep(delay, request.signal)
  abandon(exchange)
}

function applyPreferCode(request: MockRequest, operation: AnyOperation): void {
  const prefer = request.headers.get('prefer')
  if (!prefer) return
  // A token or a quoted string, as RFC 7240 allows: code=503 or code="503".
  const match = /(?:^|[,;\s])code=(?:"([^"]*)"|([^,;\s]*))/i.exec(prefer)
  if (!match) return
  const raw = match[1] ?? match[2] ?? ''
  const code = raw.length === 3 ? parseWholeNumber(raw) : undefined
  if (code === undefined || code < 100 || code > 599) {
    throw new MockStatusError(
      400,
      `Prefer: code=${raw.slice(0, 40)} is not an HTTP status code`,
      'invalid-prefer',
    )
  }
  if (operation.statuses && !operation.statuses.includes(code)) {
    throw new MockStatusError(
      400,
      `Prefer: code=${code} is not a status ${operation.id} returns; it returns ${operation.statuses.join(', ')}`,
      'invalid-prefer',
    )
  }
  if (code >= 400) throw new MockStatusError(code, `Forced by Prefer: code=${code}`, 'injected')
}

function parseMockDelay(request: MockRequest): number | undefined {
  const raw = request.headers.get('x-mock-delay')
  if (raw === null) return undefined
  const ms = parseWholeNumber(raw)
  if (ms === undefined || ms > MAX_MOCK_DELAY_MS) {
    throw new MockStatusError(
      400,
      `X-Mock-Delay must be whole milliseconds from 0 to ${MAX_MOCK_DELAY_MS}; got "${raw.slice(0, 40)}"`,
      'invalid-prefer',
    )
  }
  return ms
}
