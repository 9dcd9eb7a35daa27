import { IMAGE_TEMPLATES, type ImageTemplate } from './image-templates.ts'
import type { OsKey } from './os-profiles.ts'

/** Picks the template that best fits a name nobody seeded (ScanImage of a new image). */
export function templateFor(registry: string, remote: string, tag: string): ImageTemplate {
  const known = IMAGE_TEMPLATES.find((t) => t.registry === registry && t.remote === remote)
  if (known) return { ...known, tag }
  const base = remote.split('/').pop() ?? remote
  const os: OsKey = /alpine/.test(tag)
    ? 'alpine'
    : /ubi|rhel|redhat/.test(`${registry}/${remote}`)
      ? 'rhel'
      : /distroless|static/.test(remote)
        ? 'distroless'
        : /ubuntu|jammy/.test(`${remote}:${tag}`)
          ? 'ubuntu'
          : 'debian'
  const languages: ImageTemplate['languages'] = /node|web|ui|frontend/.test(base)
    ? { node: ['express', 'semver', 'braces'] }
    : /python|py|ml|scor/.test(base)
      ? { python: ['requests', 'urllib3', 'certifi', 'pip'] }
      : /java|spring|kafka|keycloak|api/.test(base)
        ? { java: ['jackson-databind', 'spring-web'] }
        : /go|svc|controller|operator|exporter|worker/.test(base)
          ? { go: ['stdlib', 'golang.org/x/net'] }
          : {}
  return { registry, remote, tag, os, languages }
}
