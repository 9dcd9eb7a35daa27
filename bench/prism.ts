/**
 * The same Snowflake list served by Stoplight Prism (5.14.x, the newest that runs on Node 20) from
 * the official spec, with the same 50 items as its example. Prism is installed on demand into
 * bench/.tools, outside the project's dependencies.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse, stringify } from 'yaml'

const ROOT = path.resolve(import.meta.dirname, '..')
const TOOLS = path.join(ROOT, 'bench', '.tools')
const SPEC = path.resolve(
  ROOT,
  '../shared/contracts/snowflake/bundled/image-repository.bundled.yaml',
)
export const PRISM_VERSION = '5.14.2'
export const LIST_PATH = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

/** Whether the official spec is beside the checkout. */
export const HAVE_SPEC = existsSync(SPEC)

/** Installs Prism if needed; returns its binary. */
export function ensurePrism(): string {
  const bin = path.join(TOOLS, 'node_modules', '.bin', 'prism')
  if (!existsSync(bin)) {
    mkdirSync(TOOLS, { recursive: true })
    writeFileSync(path.join(TOOLS, 'package.json'), '{"private":true}')
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', `@stoplight/prism-cli@${PRISM_VERSION}`],
      { cwd: TOOLS, stdio: 'ignore' },
    )
  }
  return bin
}

/** Writes the official spec with `items` as the list operation's 200 example; returns its path. */
export function specWithItems(items: unknown[]): string {
  const spec = parse(readFileSync(SPEC, 'utf8'))
  const ok =
    spec.paths['/api/v2/databases/{database}/schemas/{schema}/image-repositories'].get.responses[
      '200'
    ]
  ok.content['application/json'].example = items
  const out = path.join(TOOLS, 'snowflake-50.yaml')
  mkdirSync(TOOLS, { recursive: true })
  writeFileSync(out, stringify(spec))
  return out
}
