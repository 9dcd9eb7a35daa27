/**
 * Huawei's AK/SK request signing (`SDK-HMAC-SHA256`), verifier side. The canonical request is
 * built as Huawei's SDK signers build it (huaweicloud-sdk-core `AKSKSigner`, Go `core/auth/signer`):
 *
 *     METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n payload hash
 *
 * and the signature is `hex(HMAC-SHA256(SK, "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" +
 * hex(SHA-256(canonical request))))`. Web Crypto only, so it runs in Node and in browsers.
 */

/** The signing algorithm name, as it leads the `Authorization` header. */
export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256'

/** SHA-256 of an empty body, the payload hash of a GET. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** The parts of `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`. */
export interface SignatureHeader {
  accessKey: string
  signedHeaders: string[]
  signature: string
}

/** Parses the Authorization header; `undefined` when it is not a well-formed SDK-HMAC-SHA256 one. */
export function parseSignatureHeader(value: string): SignatureHeader | undefined {
  const match = /^\s*SDK-HMAC-SHA256\s+(.*)$/.exec(value)
  if (!match) return undefined
  const fields = new Map<string, string>()
  for (const part of (match[1] as string).split(',')) {
    const at = part.indexOf('=')
    if (at === -1) return undefined
    fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim())
  }
  const accessKey = fields.get('Access')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  if (!accessKey || !signedHeaders || !signature || !/^[0-9a-fA-F]{64}$/.test(signature)) {
    return undefined
  }
  const names = signedHeaders.split(';').map((name) => name.trim().toLowerCase())
  if (names.some((name) => name === '')) return undefined
  return { accessKey, signedHeaders: names, signature: signature.toLowerCase() }
}

/** Percent-encodes as the signers do: everything but `A-Z a-z 0-9 - _ . ~`, in upper-case hex. */
export function signerEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Each path segment decoded and re-encoded, with the trailing `/` the signers always add. */
export function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => signerEncode(safeDecode(segment)))
    .join('/')
  return path.endsWith('/') ? path : `${path}/`
}

/** Query pairs sorted by name, repeated names by value, each side encoded; joined with `&`. */
export function canonicalQuery(params: URLSearchParams): string {
  const byName = new Map<string, string[]>()
  for (const [name, value] of params) {
    const values = byName.get(name)
    if (values) values.push(value)
    else byName.set(name, [value])
  }
  const out: string[] = []
  for (const name of [...byName.keys()].sort()) {
    for (const value of (byName.get(name) as string[]).sort())
      out.push(`${signerEncode(name)}=${signerEncode(value)}`)
  }
  return out.join('&')
}

/** What the verifier needs from a request. */
export interface SignedRequest {
  method: string
  url: URL
  /** Header lookup by lower-case name; `null` when absent. */
  header(name: string): string | null
  /** The body's bytes as sent (the SDKs hash the bytes they send, a byte-order mark included). */
  body: Uint8Array
}

/** The canonical request and string to sign, for the signature and for error details. */
export interface Canonical {
  canonicalRequest: string
  stringToSign: string
}

/** Builds the canonical request for the headers the client says it signed. */
export async function canonicalize(
  request: SignedRequest,
  signedHeaders: readonly string[],
  sdkDate: string,
): Promise<Canonical> {
  const headers = signedHeaders
    .map((name) => `${name}:${(request.header(name) ?? '').trim()}\n`)
    .join('')
  const payloadHash =
    request.header('x-sdk-content-sha256')?.trim() || (await sha256Hex(request.body))
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.url.pathname),
    canonicalQuery(request.url.searchParams),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
  const stringToSign = [SIGNING_ALGORITHM, sdkDate, await sha256Hex(canonicalRequest)].join('\n')
  return { canonicalRequest, stringToSign }
}

/** The hex HMAC-SHA256 signature of a string to sign. */
export async function sign(secretKey: string, stringToSign: string): Promise<string> {
  const encoder = new TextEncoder()
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secretKey),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(stringToSign)))
}

/** Compares two hex signatures without an early exit. */
export function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

type DateParts = [number, number, number, number, number, number]

/** Parses `yyyyMMddTHHmmssZ` to ms since the epoch; `undefined` when malformed or impossible. */
export function parseSdkDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as DateParts
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const check = new Date(ms)
  // Date.UTC rolls 20260230 over into March; a real date must survive the round trip.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined
  return ms
}

/** Formats ms since the epoch as `yyyyMMddTHHmmssZ`. */
export function formatSdkDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  if (bytes.byteLength === 0) return EMPTY_BODY_SHA256
  return toHex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
}

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
