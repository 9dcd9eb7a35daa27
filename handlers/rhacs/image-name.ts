import type { ImageName } from './records.ts'

// The grammar of docker/distribution's `reference` package, which StackRox uses to parse names.
const ALNUM = '[a-z0-9]+'
const SEPARATOR = '(?:[._]|__|[-]+)'
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`
const HOST = `(?:${DOMAIN_NAME}|\\[[a-fA-F0-9:]+\\])`
const DOMAIN = `${HOST}(?::[0-9]+)?`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}'
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`)
const IDENTIFIER = /^[a-f0-9]{64}$/
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 }

const DEFAULT_DOMAIN = 'docker.io'
const NAME_TOTAL_LENGTH_MAX = 255

/** A name the reference grammar rejects; the message is docker/distribution's. */
export class ImageNameError extends Error {
  override readonly name = 'ImageNameError'
}

/** A parsed image reference: its name parts and digest, if any. */
export interface ParsedImageName {
  name: ImageName
  /** `sha256:…` when the reference pins a digest. */
  digest: string | null
  /** Whether the caller wrote a tag (before `latest` was defaulted in). */
  hasTag: boolean
}

/**
 * Parses and normalizes an image reference as StackRox's `GenerateImageFromString` does:
 * `nginx` → `docker.io/library/nginx:latest`, `quay.io/org/app@sha256:…` keeps its digest, and a
 * reference with neither tag nor digest gets the `latest` tag.
 */
export function parseImageName(input: string): ParsedImageName {
  const parsed = parseAnyReference(input)
  const hasTag = parsed.tag !== ''
  const name: ImageName = {
    registry: parsed.domain,
    remote: parsed.path,
    tag: parsed.tag,
    fullName: referenceString(parsed),
  }
  if (!parsed.digest && !hasTag) {
    name.tag = 'latest'
    name.fullName = `${name.registry}/${name.remote}:latest`
  }
  return { name, digest: parsed.digest, hasTag }
}

/** Adds `sha256:` to a bare hex digest, as Central's `types.NewDigest` does for image ids. */
export function normalizeDigest(id: string): string {
  return /^[A-Za-z][A-Za-z0-9]*:/.test(id) ? id : `sha256:${id}`
}

/** `registry/remote:tag` of a name, the form `fullName` takes for a tagged image. */
export function taggedFullName(name: ImageName): string {
  return `${name.registry}/${name.remote}:${name.tag}`
}

interface Reference {
  domain: string
  path: string
  tag: string
  digest: string | null
}

function referenceString(ref: Reference): string {
  const base = ref.domain === '' ? '' : `${ref.domain}/${ref.path}`
  const tag = ref.tag === '' ? '' : `:${ref.tag}`
  const digest = ref.digest === null ? '' : base === '' ? ref.digest : `@${ref.digest}`
  return `${base}${tag}${digest}`
}

function parseAnyReference(input: string): Reference {
  if (IDENTIFIER.test(input)) return { domain: '', path: '', tag: '', digest: `sha256:${input}` }
  if (looksLikeDigest(input)) {
    try {
      return { domain: '', path: '', tag: '', digest: validateDigest(input) }
    } catch {
      // Not a well-formed digest: parse it as a name, which reports the better error.
    }
  }
  return parseNormalizedNamed(input)
}

function looksLikeDigest(input: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[^/]*$/.test(input)
}

function parseNormalizedNamed(input: string): Reference {
  if (IDENTIFIER.test(input)) {
    throw new ImageNameError(
      `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
    )
  }
  const [domain, remainder] = splitDockerDomain(input)
  const tagSeparator = remainder.indexOf(':')
  const remoteName = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder
  if (remoteName.toLowerCase() !== remoteName) {
    throw new ImageNameError(
      `invalid reference format: repository name (${remoteName}) must be lowercase`,
    )
  }
  return parse(`${domain}/${remainder}`)
}

function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/')
  let domain: string
  let remainder: string
  const first = slash === -1 ? '' : name.slice(0, slash)
  if (
    slash === -1 ||
    (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)
  ) {
    domain = DEFAULT_DOMAIN
    remainder = name
  } else {
    domain = first
    remainder = name.slice(slash + 1)
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`
  return [domain, remainder]
}

function parse(input: string): Reference {
  const match = REFERENCE.exec(input)
  if (!match) {
    if (input === '') throw new ImageNameError('repository name must have at least one component')
    if (REFERENCE.test(input.toLowerCase())) {
      throw new ImageNameError('repository name must be lowercase')
    }
    throw new ImageNameError('invalid reference format')
  }
  const [, fullName = '', tag = '', digest] = match
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ImageNameError(
      `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
    )
  }
  const slash = fullName.indexOf('/')
  return {
    domain: fullName.slice(0, slash),
    path: fullName.slice(slash + 1),
    tag,
    digest: digest === undefined ? null : validateDigest(digest),
  }
}

function validateDigest(value: string): string {
  const colon = value.indexOf(':')
  if (colon < 1 || colon === value.length - 1) {
    throw new ImageNameError('invalid checksum digest format')
  }
  const algorithm = value.slice(0, colon)
  const encoded = value.slice(colon + 1)
  const length = DIGEST_HEX_LENGTH[algorithm]
  if (length === undefined) throw new ImageNameError('unsupported digest algorithm')
  if (encoded.length !== length) throw new ImageNameError('invalid checksum digest length')
  if (!/^[a-f0-9]+$/.test(encoded)) throw new ImageNameError('invalid checksum digest format')
  return value
}
