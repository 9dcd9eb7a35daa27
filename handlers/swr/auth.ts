import type { MockRequest } from '../../core/request-input.ts'
import { type AuthContext, operationsFor } from '../../core/vendor.ts'
import { SwrError } from './errors.ts'
import { findSecretKey } from './model.ts'
import {
  canonicalize,
  formatSdkDate,
  parseSdkDate,
  parseSignatureHeader,
  SIGNING_ALGORITHM,
  sameSignature,
  sign,
} from './signer.ts'
import type { SwrStore } from './store.ts'

/** SWR's `defineOperation`: IAM rights are not modelled, so operations need no permission. */
export const swrOperation = operationsFor<SwrStore, undefined, null>()

/** How far `X-Sdk-Date` may be from the server's time, as Huawei's API gateway allows. */
export const MAX_SIGNATURE_SKEW_MS = 15 * 60_000

const IAM = 'Incorrect IAM authentication information'

/** An HTTP header name (RFC 9110 `token`), lower-cased as SignedHeaders carries it. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

/**
 * The caller as a fault rule's `match.principal` sees it: the access key (AK) of an AK/SK
 * signature, as IAM names the credential; undefined for an IAM token (the mock does not decode it).
 */
export function swrPrincipalName(request: MockRequest): string | undefined {
  const authorization = request.headers.get('authorization')
  return authorization ? parseSignatureHeader(authorization)?.accessKey : undefined
}

/**
 * Accepts an IAM token (`X-Auth-Token`, any non-empty value) or an AK/SK-signed request
 * (`Authorization: SDK-HMAC-SHA256 …` with `X-Sdk-Date`), verified against the scenario's access
 * keys exactly as Huawei's signer computes it. Anything else is SWR's 401.
 *
 * @note `X-Sdk-Date` may be within 15 minutes of either the real time or the session clock: real
 * SDKs sign with the wall clock, while replayed or hand-made requests can sign with the session's
 * frozen time. A failed signature's `errors[0].detail` shows the canonical request and string to
 * sign the mock computed, which the real API never reveals.
 */
export async function authenticateSwr({
  request,
  store,
  url,
  bodyBytes,
  clock,
  enforce,
}: AuthContext<SwrStore>): Promise<undefined> {
  if (!enforce) return undefined
  const authorization = request.headers.get('authorization')
  const token = request.headers.get('x-auth-token')
  // A signature is always verified; a token alone decides only when nothing claims to be signed.
  const signed = authorization?.trimStart().startsWith(SIGNING_ALGORITHM) === true
  if (!signed && token !== null) {
    if (token.trim() === '') throw SwrError.unauthorized('X-Auth-Token is empty.')
    return
  }
  if (authorization === null) {
    throw SwrError.unauthorized(
      'Authentication required: send an IAM token in X-Auth-Token, or sign the request with AK/SK (Authorization: SDK-HMAC-SHA256 …).',
    )
  }

  const parsed = parseSignatureHeader(authorization)
  if (!parsed) {
    throw SwrError.unauthorized(
      `${IAM}: the Authorization header must read "${SIGNING_ALGORITHM} Access=<AK>, SignedHeaders=<names>, Signature=<64 hex digits>"; got one starting "${clip(authorization.trim().split(/\s/)[0] ?? '')}".`,
    )
  }
  const secretKey = findSecretKey(store, parsed.accessKey)
  if (secretKey === undefined) {
    throw SwrError.unauthorized(`${IAM}: access key "${clip(parsed.accessKey)}" does not exist.`)
  }
  const sdkDate = request.headers.get('x-sdk-date')?.trim()
  if (!sdkDate) {
    throw SwrError.unauthorized(
      `${IAM}: X-Sdk-Date is required with AK/SK signing (form yyyyMMddTHHmmssZ).`,
    )
  }
  const signedAt = parseSdkDate(sdkDate)
  if (signedAt === undefined) {
    throw SwrError.unauthorized(
      `${IAM}: X-Sdk-Date "${clip(sdkDate)}" is not a UTC time of the form yyyyMMddTHHmmssZ.`,
    )
  }
  // The wall clock is read only here: a real client signs with real time (see @note above).
  const near = (now: number) => Math.abs(now - signedAt) <= MAX_SIGNATURE_SKEW_MS
  if (!near(Date.now()) && !near(clock.now())) {
    throw SwrError.unauthorized(
      `${IAM}: the signature has expired: X-Sdk-Date ${sdkDate} is more than 15 minutes away from the server time ${formatSdkDate(Date.now())}.`,
    )
  }
  // Checked before any lookup: Headers.get() throws on a name that is not a token.
  const malformed = parsed.signedHeaders.find((name) => !HEADER_NAME.test(name))
  if (malformed !== undefined) {
    throw SwrError.unauthorized(
      `${IAM}: SignedHeaders names "${clip(malformed)}", which is not a header name.`,
    )
  }
  const missing = parsed.signedHeaders.find(
    (name) => name !== 'host' && request.headers.get(name) === null,
  )
  if (missing !== undefined) {
    throw SwrError.unauthorized(`${IAM}: signed header "${clip(missing)}" is not in the request.`)
  }
  const canonical = await canonicalize(
    {
      method: request.method,
      url,
      // Some transports drop Host from the Request; the URL still names it.
      header: (name) => request.headers.get(name) ?? (name === 'host' ? url.host : null),
      body: bodyBytes,
    },
    parsed.signedHeaders,
    sdkDate,
  )
  const expected = await sign(secretKey, canonical.stringToSign)
  if (!sameSignature(expected, parsed.signature)) {
    throw SwrError.unauthorized(
      `${IAM}: verify aksk signature fail.`,
      `canonical request:\n${canonical.canonicalRequest}\n\nstring to sign:\n${canonical.stringToSign}`,
    )
  }
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}
