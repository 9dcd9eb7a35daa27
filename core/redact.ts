/** What replaces a credential, token or signature wherever the mock writes down traffic. */
export const REDACTED = '<redacted>'

/**
 * Keys and header names whose values are credentials wherever they appear: Cycle origins and
 * registry auth in records; `Authorization`, SWR's `X-Auth-Token` (IAM token), `X-Security-Token`
 * (temporary AK/SK) and `X-Subject-Token`, and cookies on the wire.
 */
const SECRET_KEYS =
  /^(password|passphrase|secret|secret_?key|token|access_?token|refresh_?token|id_?token|private_?key|api[-_]?key|x-api-key|client_?secret|authorization|proxy-authorization|config|x-auth-token|x-security-token|x-subject-token|cookie|set-cookie)$/i

/** Values that are credentials whatever their key: JWTs and PEM private keys. */
const SECRET_VALUES = [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/]

/**
 * A value with its credentials replaced by {@link REDACTED}: a string under a secret-like key, a
 * JWT- or PEM-like string, and every occurrence of a known `secret`; objects and arrays are
 * walked (their keys count). Other values pass unchanged.
 */
export function redact(value: unknown, key?: string, secrets: Iterable<string> = []): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && SECRET_KEYS.test(key) && value !== '') return REDACTED
    if (SECRET_VALUES.some((pattern) => pattern.test(value))) return REDACTED
    let out = value
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.replaceAll(secret, REDACTED)
    }
    return out
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, undefined, secrets))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, secrets)]))
  }
  return value
}

/**
 * Headers as the journal keeps them: lower-case names, credentials redacted by {@link redact}.
 * An `Authorization` value keeps its scheme (`Bearer`, `Basic`, SWR's `SDK-HMAC-SHA256`), so a
 * reader still sees how the caller authenticated; its credential, access key and signature go.
 * @param pairs names and values in turn, as `Headers` iterates them (a name met again wins)
 */
export function redactHeaders(pairs: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {}
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = pairs[i] as string
    const value = pairs[i + 1] as string
    const scheme = /^(authorization|proxy-authorization)$/.test(name)
      ? /^([\w-]+)\s+\S/.exec(value)?.[1]
      : undefined
    kept[name] = scheme ? `${scheme} ${REDACTED}` : (redact(value, name) as string)
  }
  return kept
}
