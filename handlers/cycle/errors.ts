import type { z } from 'zod'
import {
  MockError,
  type MockErrorReason,
  MockStatusError,
  reasonPhrase,
} from '../../core/errors.ts'
import type { ErrorContext, QueryIssue, RenderedError } from '../../core/vendor.ts'

/** The Cycle error codes this mock uses, every one from the contract's `Error.code` enum. */
export type CycleErrorCode =
  | '400.invalid-syntax'
  | '401.auth-invalid'
  | '403.wrong-hub'
  | '403.permissions'
  | '403.invalid-state'
  | '403.not-allowed'
  | '404.uri'
  | '404.image.source'
  | '404.hub.integration'
  | '404.job'
  | '409.duplicate-found'
  | '415.invalid-content-type'
  | '422.missing-argument'
  | '422.invalid-argument'
  | '422.invalid-input'
  | '422.max-exceeded'
  | '429.rate-limiting'
  | '500.unknown'
  | '503.not-ready'
  | '504.not-available'

/** Extra details on an error; `capability` names what a 403.permissions lacked. */
export interface CycleErrorExtra {
  capability?: string
}

/** A Cycle API error: HTTP status, Cycle code, title, detail, and optionally a JSON pointer. */
export class CycleError extends MockError {
  override readonly name = 'CycleError'
  constructor(
    readonly status: number,
    readonly code: CycleErrorCode,
    readonly title: string,
    readonly detail: string,
    readonly source?: string,
    readonly extra?: CycleErrorExtra,
  ) {
    super(detail)
  }

  /** `422.missing-argument` for a required field that is absent. */
  static missingArgument(detail: string, source?: string): CycleError {
    return new CycleError(422, '422.missing-argument', 'Missing argument', detail, source)
  }

  /** `422.invalid-argument` for a field or parameter with a wrong value. */
  static invalidArgument(detail: string, source?: string): CycleError {
    return new CycleError(422, '422.invalid-argument', 'Invalid argument', detail, source)
  }

  /** `415.invalid-content-type`: the API reads application/json only. */
  static unsupportedMediaType(contentType: string): CycleError {
    return new CycleError(
      415,
      '415.invalid-content-type',
      'Invalid content type',
      `Content-Type '${contentType.slice(0, 80)}' is not supported; send application/json.`,
    )
  }

  /** `404.image.source` for a source that does not exist in the hub. */
  static sourceNotFound(id: string): CycleError {
    return new CycleError(
      404,
      '404.image.source',
      'Image source not found',
      `No image source with ID '${id.slice(0, 80)}' exists in this hub.`,
    )
  }
}

/** The code a bare status gets: for faults, `Prefer: code=` and failures of the mock itself. */
const CODE_OF_STATUS: Record<number, CycleErrorCode> = {
  400: '400.invalid-syntax',
  401: '401.auth-invalid',
  403: '403.not-allowed',
  404: '404.uri',
  409: '409.duplicate-found',
  415: '415.invalid-content-type',
  422: '422.invalid-input',
  429: '429.rate-limiting',
  500: '500.unknown',
  503: '503.not-ready',
  504: '504.not-available',
}

/**
 * Status and code of the mock's own failures, by reason.
 * @note Cycle's catalogue has no 405 and no 413. Its router answers a method a path does not
 * serve as it answers an unknown route, `404.uri` (the only routing code the `Error.code` enum
 * has); a body over the size limit is `422.max-exceeded`, the catalogue's code for an input
 * over a maximum.
 */
const ERROR_OF_REASON: Partial<Record<MockErrorReason, [number, CycleErrorCode]>> = {
  'malformed-json': [400, '400.invalid-syntax'],
  'invalid-session': [400, '400.invalid-syntax'],
  'invalid-prefer': [400, '400.invalid-syntax'],
  'route-not-found': [404, '404.uri'],
  'method-not-allowed': [404, '404.uri'],
  'payload-too-large': [422, '422.max-exceeded'],
  'session-limit': [503, '503.not-ready'],
}

const TITLE_OF_CODE: Partial<Record<CycleErrorCode, string>> = {
  '400.invalid-syntax': 'Invalid syntax',
  '401.auth-invalid': 'Invalid authentication',
  '403.not-allowed': 'Not allowed',
  '404.uri': 'Route not found',
  '409.duplicate-found': 'Duplicate found',
  '415.invalid-content-type': 'Invalid content type',
  '422.invalid-input': 'Invalid input',
  '422.max-exceeded': 'Maximum exceeded',
  '429.rate-limiting': 'Too many requests',
  '500.unknown': 'Unknown error',
  '503.not-ready': 'Service not ready',
  '504.not-available': 'Service not available',
}

/** Details for statuses forced by fault rules or `Prefer: code=`, worded as Cycle would. */
const INJECTED_DETAILS: Record<number, string> = {
  429: 'Rate limit reached. Slow down and retry after the time given in Retry-After.',
  500: 'An unknown error occurred on the platform. Please try again.',
  503: 'The platform is not ready to serve this request. Retry after the time given in Retry-After.',
  504: 'The platform did not answer in time. Please try again.',
}

/** Cycle's one error wrapper: `{error: {status, code, title, detail, source?, extra?}, data: null}`. */
export function renderCycleError(error: unknown, _ctx: ErrorContext): RenderedError {
  if (error instanceof CycleError) {
    return envelope(error.status, error.code, error.title, error.detail, error.source, error.extra)
  }
  if (error instanceof MockStatusError) {
    const known = error.reason === 'injected' ? undefined : ERROR_OF_REASON[error.reason]
    const status = known?.[0] ?? error.status
    const code =
      known?.[1] ?? CODE_OF_STATUS[status] ?? (status >= 500 ? '500.unknown' : '400.invalid-syntax')
    const detail =
      error.reason === 'injected' ? (INJECTED_DETAILS[status] ?? error.message) : error.message
    return envelope(status, code, TITLE_OF_CODE[code] ?? reasonPhrase(status), detail)
  }
  return envelope(
    500,
    '500.unknown',
    'Unknown error',
    'An unknown error occurred on the platform. Please try again.',
  )
}

function envelope(
  status: number,
  code: CycleErrorCode,
  title: string,
  detail: string,
  source?: string,
  extra?: CycleErrorExtra,
): RenderedError {
  return {
    status,
    body: {
      error: {
        status,
        code,
        title,
        detail,
        ...(source === undefined ? {} : { source }),
        ...(extra === undefined ? {} : { extra }),
      },
      data: null,
    },
  }
}

/** A query parameter its schema refuses, as Cycle's `422.invalid-argument`. */
export function invalidCycleQuery(issue: QueryIssue): CycleError {
  return CycleError.invalidArgument(
    issue.ownMessage ? issue.message : `${issue.parameter}: ${issue.message}.`,
  )
}

/**
 * zod's issues with a request body as Cycle's 422: the first issue only, as Cycle reports one
 * problem, with a JSON pointer to the field in `error.source`: `422.missing-argument` for an absent
 * field, `422.invalid-argument` (naming what is allowed and what was sent) otherwise.
 */
export function invalidCycleBody(error: z.ZodError, body: unknown): CycleError {
  return issueToError(error.issues[0] as z.core.$ZodIssue, body)
}

function issueToError(issue: z.core.$ZodIssue, body: unknown): CycleError {
  const path = issue.path.map(String)
  const field = path.join('.')
  const value = valueAt(body, path)
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => (field ? `${field}.${k}` : k))
    return CycleError.invalidArgument(
      `Unknown field${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')}; this request does not accept ${names.length > 1 ? 'them' : 'it'}.`,
      pointer([...path, issue.keys[0] ?? '']),
    )
  }
  if (value === undefined) {
    return CycleError.missingArgument(`The field '${field}' is required.`, pointer(path))
  }
  // zod reports an unknown discriminator with the values it knows in `options`.
  const options = (issue as { options?: unknown[] }).options
  if (issue.code === 'invalid_union' && options) {
    return CycleError.invalidArgument(
      `The field '${field}' must be one of ${options.map(String).join(', ')}; got ${shown(value)}.`,
      pointer(path),
    )
  }
  if (issue.code === 'invalid_value') {
    return CycleError.invalidArgument(
      `The field '${field}' must be one of ${issue.values.map(String).join(', ')}; got ${shown(value)}.`,
      pointer(path),
    )
  }
  if (issue.code === 'invalid_key') {
    const parent = path.slice(0, -1).join('.')
    const reason = issue.issues[0]?.message ?? issue.message
    return CycleError.invalidArgument(
      `The key '${path.at(-1)}' of '${parent}' is invalid: ${reason.replace(/^Invalid string: /, '')}.`,
      pointer(path),
    )
  }
  const reason = issue.message.replace(/^Invalid input: /, '')
  return CycleError.invalidArgument(
    `The field '${field || 'body'}' is invalid: ${reason}.`,
    pointer(path),
  )
}

function valueAt(body: unknown, path: string[]): unknown {
  let current = body
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

/** A JSON pointer (RFC 6901) to a body field, for `error.source`. */
function pointer(path: string[]): string {
  return `/${path.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
