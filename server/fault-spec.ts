/** The `--fault` shorthand of the standalone server (`image-registry-mock --fault SPEC`). */
import { parseWholeNumber } from '../core/whole-number.ts'

/** Shorthand options that are numbers, and where they go in the rule. */
const NUMBER_OPTIONS: Record<string, 'rule' | 'effect'> = {
  times: 'rule',
  after: 'rule',
  every: 'rule',
  probability: 'rule',
  seed: 'rule',
  retryAfter: 'effect',
  delayMs: 'effect',
  bytes: 'effect',
  bytesPerSecond: 'effect',
}

/** `header.NAME`, `query.NAME` and `body.FIELD`: a glob for `match.headers`, `query`, `body`. */
const FIELD_OPTION = /^(?:header|query|body)\.[^:=]+$/

/** Where an option starts: a `:` before `key=` (a field option's key has a dot and may have dashes). */
const OPTION_START = /:(?=[A-Za-z][\w.-]*=)/

/** The `network` effects the shorthand names in EFFECT's place. */
const NETWORK_EFFECTS = ['reset', 'timeout', 'truncate', 'garbage', 'empty']

/**
 * Parses the `--fault` shorthand into a fault rule (the engine validates it like JSON):
 * `OPERATION[:EFFECT][:key=value…]`, where EFFECT is a status code or a `network` effect (`reset`,
 * `timeout`, `truncate`, `garbage`, `empty`), and the keys are `times`, `after`, `every`,
 * `probability`, `seed`, `retryAfter`, `delayMs`, `bytes`, `bytesPerSecond` (numbers),
 * `location` (a redirect's URL), `when` (`afterCommit`), `body` (JSON), the window's
 * `from`, `until`, `for` and `every` (a duration: `every=60s`; a number is the rule's `every`),
 * `quota=LIMIT/PERMS[/BY]`, `async` (`fail`), `method`, `path`, `principal`, `header.NAME`,
 * `query.NAME` and `body.FIELD` (globs for `match.headers`, `query`, `body`) and `id`. Without EFFECT a rule
 * with `delayMs` only adds latency. An option starts at a `:` followed by `key=`, so values may
 * hold colons (`location=https://…`, `body={"a":1}`).
 */
export function parseFaultSpec(spec: string): Record<string, unknown> {
  const colon = spec.indexOf(':')
  const operation = colon < 0 ? spec : spec.slice(0, colon)
  const parts = colon < 0 ? [] : spec.slice(colon + 1).split(OPTION_START)
  if (!operation || parts.length === 0 || parts.some((p) => p === '')) {
    throw new Error(`--fault "${spec}": expected OPERATION[:STATUS|reset|timeout][:key=value…]`)
  }
  const match: Record<string, unknown> = { operation }
  const rule: Record<string, unknown> = { match }
  const effect: Record<string, unknown> = {}
  const first = parts[0] as string
  if (!first.includes('=')) {
    parts.shift()
    if (NETWORK_EFFECTS.includes(first)) effect.network = first
    else if (/^\d{3}$/.test(first)) effect.status = Number(first)
    else
      throw new Error(
        `--fault "${spec}": "${first}" is neither a status code nor ${NETWORK_EFFECTS.join('/')}`,
      )
  }
  for (const option of parts) {
    const eq = option.indexOf('=')
    const key = option.slice(0, eq)
    const value = option.slice(eq + 1)
    if (eq < 0 || value === '') {
      throw new Error(`--fault "${spec}": option "${option}" must be key=value`)
    }
    const distribution = key === 'delayMs' ? /^(uniform|lognormal)\(([^)]*)\)$/.exec(value) : null
    const windowKey =
      key === 'from' ||
      key === 'until' ||
      key === 'for' ||
      (key === 'every' && /[a-z]$/.test(value))
    const quota = key === 'quota' ? /^(\d+)\/(\d+)(?:\/(\w+))?$/.exec(value) : null
    if (key === 'quota') {
      if (!quota) throw new Error(`--fault "${spec}": quota=LIMIT/PERMS[/BY]; got "${value}"`)
      rule.quota = {
        limit: Number(quota[1]),
        perMs: Number(quota[2]),
        ...(quota[3] ? { by: quota[3] } : {}),
      }
    } else if (windowKey) {
      rule.window = { ...(rule.window as object), [key]: value }
    } else if (distribution) {
      effect.delayMs = delayDistribution(spec, distribution[1] as string, distribution[2] as string)
    } else if (key === 'delayMs' && /^[a-z]+\(/i.test(value)) {
      throw new Error(
        `--fault "${spec}": delayMs=${value} is no distribution; use uniform(MIN,MAX) or lognormal(MEDIAN,SIGMA,MAX)`,
      )
    } else if (key in NUMBER_OPTIONS) {
      ;(NUMBER_OPTIONS[key] === 'rule' ? rule : effect)[key] = shorthandNumber(spec, key, value)
    } else if (key === 'location' || key === 'when') effect[key] = value
    else if (key === 'body') {
      try {
        effect.body = JSON.parse(value)
      } catch {
        throw new Error(`--fault "${spec}": body must be JSON; got ${value}`)
      }
    } else if (key === 'method' || key === 'path' || key === 'principal') match[key] = value
    else if (FIELD_OPTION.test(key)) {
      const [kind, name] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)]
      const field = kind === 'header' ? 'headers' : (kind as 'query' | 'body')
      match[field] = { ...(match[field] as object), [name]: value }
    } else if (key === 'async') effect.async = value
    else if (key === 'id') rule.id = value
    else throw new Error(`--fault "${spec}": unknown option "${key}"`)
  }
  if (Object.keys(effect).length > 0 || rule.quota === undefined) rule.effect = effect
  return rule
}

/**
 * A number of the shorthand, read as the other numeric flags are: decimal digits only (`0x10`,
 * `1e3`, ` 7` and `1.0` are refused, see {@link parseWholeNumber}); a fraction (`probability`, a
 * lognormal's `sigma`) may have a decimal point (`0.25`).
 */
function shorthandNumber(spec: string, key: string, text: string): number {
  const fraction = key === 'probability' || key === 'sigma'
  const value = fraction
    ? /^\d{1,15}(?:\.\d{1,15})?$/.test(text)
      ? Number(text)
      : undefined
    : parseWholeNumber(text)
  if (value === undefined) {
    throw new Error(
      `--fault "${spec}": ${key} must be a number (${fraction ? 'decimal digits, with a . for a fraction, e.g. 0.25' : 'a whole number in decimal digits'}); got "${text}"`,
    )
  }
  return value
}

/** `uniform(MIN,MAX)` or `lognormal(MEDIAN,SIGMA,MAX)` of the shorthand, as a rule's `delayMs`. */
function delayDistribution(spec: string, kind: string, args: string): Record<string, unknown> {
  const names = kind === 'uniform' ? ['min', 'max'] : ['median', 'sigma', 'max']
  const parts = args.split(',').map((part) => part.trim())
  if (parts.length !== names.length) {
    throw new Error(
      `--fault "${spec}": delayMs=${kind}(${names.join(',')}) takes ${names.length} numbers`,
    )
  }
  const numbers = parts.map((part, i) => shorthandNumber(spec, names[i] as string, part))
  return { distribution: kind, ...Object.fromEntries(names.map((name, i) => [name, numbers[i]])) }
}
