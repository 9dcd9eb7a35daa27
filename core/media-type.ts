import { parse } from 'content-type'

/** A `Content-Type` value read as RFC 9110 §8.3.1 defines it. */
export interface MediaType {
  /** `type/subtype`, lower-case (media types are case-insensitive). */
  type: string
  /** Parameters by lower-case name; values unquoted (`charset="UTF-8"` is `UTF-8`, §5.6.6). */
  parameters: Record<string, string>
}

/** A media type's `type/subtype`: two RFC 9110 tokens. */
const TYPE_SUBTYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/

/**
 * Parses a `Content-Type` header value with the `content-type` package (the parser Express
 * uses): type and parameter names case-insensitive, quoted parameter values unquoted, whitespace
 * around `;` allowed. Undefined when the header is absent or its type is not `type/subtype`.
 * Linear in the value.
 */
export function parseMediaType(value: string | null | undefined): MediaType | undefined {
  if (value === null || value === undefined) return undefined
  const parsed = parse(value)
  if (!TYPE_SUBTYPE.test(parsed.type)) return undefined
  return { type: parsed.type, parameters: { ...parsed.parameters } }
}

/** Whether a `Content-Type` value names `application/json`, parameters aside. */
export function isJsonMediaType(value: string | null | undefined): boolean {
  return parseMediaType(value)?.type === 'application/json'
}

/**
 * Whether a `Content-Type` value is JSON in UTF-8: `application/json`, with no charset or a
 * UTF-8 one however it is spelled or quoted (`charset="UTF-8"`, `charset=utf-8`).
 */
export function isJsonUtf8(value: string | null | undefined): boolean {
  const media = parseMediaType(value)
  if (media?.type !== 'application/json') return false
  const charset = media.parameters.charset
  return charset === undefined || /^utf-?8$/i.test(charset)
}

/**
 * Whether a `Content-Type` value names `application/json` with no charset or one this mock can
 * decode (a label the WHATWG Encoding Standard knows: `utf-8`, `utf-16le`, `iso-8859-1`, ...).
 */
export function isReadableJson(value: string | null | undefined): boolean {
  const media = parseMediaType(value)
  if (media?.type !== 'application/json') return false
  const charset = media.parameters.charset
  if (charset === undefined) return true
  try {
    new TextDecoder(charset)
    return true
  } catch {
    return false
  }
}

/**
 * A decoder for a body of this `Content-Type`: its `charset` when the WHATWG Encoding Standard
 * knows the label (`utf-8`, `utf-16le`, `iso-8859-1`, ...), else UTF-8 (JSON's encoding, RFC 8259
 * §8.1). A leading byte-order mark is skipped, as `TextDecoder` does.
 */
export function textDecoderFor(value: string | null | undefined): TextDecoder {
  const charset = parseMediaType(value)?.parameters.charset
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset)
    } catch {
      // An unknown label: read as UTF-8.
    }
  }
  return new TextDecoder()
}
