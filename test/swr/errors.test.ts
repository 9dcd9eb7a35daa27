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
      new MockStatusError(400, 'bad session', 'invalid-session'),
      400,
      'SVCSTG.SWR.4000014',
      /bad session/,
    ],
    [
      new MockStatusError(400, 'Prefer: code=x', 'invalid-prefer'),
      400,
      'SVCSTG.SWR.4000014',
      /Prefer/,
    ],
    [
      new MockStatusError(401, 'Forced', 'injected'),
      401,
      'SVCSTG.SWR.4010000',
      /Authentication failed/,
    ],
    // A status neither SWR nor its gateway publishes becomes SWR's 500.
    [new MockStatusError(418, 'Forced', 'injected'), 500, 'SVCSTG.SWR.5000008', /Failed to obtain/],
  ])('renders %s in the SWR envelope', (error, status, code, message) => {
    const rendered = renderSwrError(error, CTX)
    expect(rendered.status).toBe(status)
    expectSwrShape('ErrorBody', rendered.body)
    const body = rendered.body as { error_code: string; error_msg: string }
    expect(body.error_code).toBe(code)
    expect(body.error_msg).toMatch(message)
  })

  it.each([
    [new MockStatusError(413, 'too large', 'payload-too-large'), 413, 'APIG.0201', /too large/],
    [new MockStatusError(404, 'No endpoint', 'route-not-found'), 404, 'APIG.0101', /not exist/],
    [new MockStatusError(405, 'Method PUT', 'method-not-allowed'), 404, 'APIG.0101', /not exist/],
    [
      new MockStatusError(503, 'the mock already holds 100 sessions', 'session-limit'),
      429,
      'APIG.0308',
      /throttling threshold has been reached\. the mock already holds/,
    ],
    [new MockStatusError(429, 'Injected', 'injected'), 429, 'APIG.0308', /throttling/],
    [new MockStatusError(502, 'Injected', 'injected'), 502, 'APIG.0202', /Backend unavailable/],
    [new MockStatusError(504, 'Injected', 'injected'), 504, 'APIG.0203', /Backend timeout/],
  ])('renders %s as the API gateway in front of SWR', (error, status, code, message) => {
    const rendered = renderSwrError(error, CTX)
    expect(rendered.status).toBe(status)
    expectSwrShape('ErrorBody', rendered.body)
    expect(rendered.body).toEqual({
      error_code: code,
      error_msg: expect.stringMatching(message),
      request_id: 'r',
    })
  })

  it('keeps the detail of an SwrError in errors[0]', () => {
    const rendered = renderSwrError(SwrError.unauthorized('nope', 'canonical request: …'), CTX)
    expect(rendered.status).toBe(401)
    expect((rendered.body as { errors: Array<{ detail: string }> }).errors[0]?.detail).toBe(
      'canonical request: …',
    )
  })
})
