import { describe, expect, it } from 'vitest'
import { MockStatusError } from '../../core/errors.ts'
import { renderSwrError, SWR_CODES, SwrError } from '../../handlers/swr/errors.ts'
import { expectSwrShape } from './contract.ts'

const CTX = { requestId: 'r', operationId: 'swr.ListSharedReposDetails', method: 'GET', path: '/' }

describe('SWR error rendering (no HTTP)', () => {
  it('renders an unexpected error as SWR 500 without leaking its message', () => {
    const rendered = renderSwrError(new TypeError('cannot read x of undefined'), CTX)
    expect(rendered.status).toBe(500)
    expectSwrShape('ErrorBody', rendered.body)
    expect(rendered.body).toEqual({
      error_code: SWR_CODES.listFailed,
      error_msg: 'Internal server error: Failed to obtain the list.',
      errors: [
        {
          errorCode: SWR_CODES.listFailed,
          errorMessage: 'Internal server error: Failed to obtain the list.',
          detail: '',
        },
      ],
    })
  })

  it.each([
    [
      new MockStatusError(400, 'Request body is not valid JSON', 'malformed-json'),
      400,
      'SVCSTG.SWR.4000014',
      /not valid JSON/,
    ],
    [
      new MockStatusError(413, 'too large', 'payload-too-large'),
      413,
      'SVCSTG.SWR.4130000',
      /too large/,
    ],
    [
      new MockStatusError(404, 'No endpoint', 'route-not-found'),
      404,
      'SVCSTG.SWR.4040000',
      /No endpoint/,
    ],
    [
      new MockStatusError(405, 'Method PUT', 'method-not-allowed'),
      405,
      'SVCSTG.SWR.4050000',
      /Method PUT/,
    ],
    [
      new MockStatusError(400, 'bad session', 'invalid-session'),
      400,
      'SVCSTG.SWR.4000014',
      /bad session/,
    ],
    [
      new MockStatusError(503, 'the mock already holds 100 sessions', 'session-limit'),
      503,
      'SVCSTG.SWR.5030000',
      /already holds/,
    ],
    [
      new MockStatusError(400, 'Prefer: code=x', 'invalid-prefer'),
      400,
      'SVCSTG.SWR.4000014',
      /Prefer/,
    ],
    [
      new MockStatusError(429, 'Injected by fault rule "a"', 'injected'),
      429,
      'SVCSTG.SWR.4290000',
      /throttled/,
    ],
    [
      new MockStatusError(401, 'Forced', 'injected'),
      401,
      'SVCSTG.SWR.4010000',
      /Authentication failed/,
    ],
    [new MockStatusError(418, 'Forced', 'injected'), 418, 'SVCSTG.SWR.4180000', /^Client Error\.$/],
  ])('renders %s in the SWR envelope', (error, status, code, message) => {
    const rendered = renderSwrError(error, CTX)
    expect(rendered.status).toBe(status)
    expectSwrShape('ErrorBody', rendered.body)
    const body = rendered.body as { error_code: string; error_msg: string }
    expect(body.error_code).toBe(code)
    expect(body.error_msg).toMatch(message)
  })

  it('keeps the detail of an SwrError in errors[0]', () => {
    const rendered = renderSwrError(SwrError.unauthorized('nope', 'canonical request: …'), CTX)
    expect(rendered.status).toBe(401)
    expect((rendered.body as { errors: Array<{ detail: string }> }).errors[0]?.detail).toBe(
      'canonical request: …',
    )
  })
})
