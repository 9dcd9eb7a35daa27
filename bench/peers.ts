/**
 * Other mock servers on the mock's own workloads, each configured as its users run it at its
 * best, serving the mock's answers as static bytes (their best case):
 * - WireMock (the standalone jar of the `wiremock` npm package, on Java 17): stub mappings
 *   matching method, path and a bearer `Authorization`; no request journal or request logging;
 *   warmed up (its JIT) before the measured rounds.
 * - Mockoon CLI: an environment of the same routes with a header rule, templating off, logging
 *   to stdout only (it cannot be turned off).
 * - Stoplight Prism (static mode, `-v silent`): the official Snowflake spec with the mock's
 *   answers as the operations' examples; it checks the request against the spec (security, path,
 *   query and body) as it always does. Prism 5.16 needs Node 24: the registry's `node` package
 *   brings it.
 * They are installed on demand into a cache folder outside the checkout (`BENCH_TOOLS`, default
 * `~/.cache/image-registry-mock/bench-tools`), never by `npm ci`; a peer that cannot be had is
 * skipped with the reason.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { parse, stringify } from 'yaml'
import { freePort, startListening, type Target } from './load.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const SPEC = path.resolve(
  ROOT,
  '../shared/contracts/snowflake/bundled/image-repository.bundled.yaml',
)
/** Where the peers are installed: outside the checkout, kept between runs. */
export const TOOLS =
  process.env.BENCH_TOOLS ??
  path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
    'image-registry-mock',
    'bench-tools',
  )

/** The peers' versions, installed from the npm registry (Node 24 only runs Prism). */
export const PEER_PACKAGES = {
  wiremock: '3.13.2',
  '@mockoon/cli': '9.9.0',
  '@stoplight/prism-cli': '5.16.0',
  node: '24',
} as const

/** One request a peer must answer: where, how, and the bytes the mock answered it with. */
export interface PeerRoute {
  method: 'GET' | 'POST'
  /** The concrete path, with any query (what the load generator sends). */
  path: string
  /** The template of the path in the vendor's contract (`{name}` for a parameter). */
  template: string
  /** The request's headers (a bearer `Authorization` among them) and body. */
  headers: Record<string, string>
  requestBody?: string
  status: number
  contentType: string
  body: Buffer
}

/** The version `java -version` reports (on stderr), or `none`. */
export function javaVersion(): string {
  const { stderr, error } = spawnSync('java', ['-version'], { encoding: 'utf8' })
  if (error) return 'none'
  return /version "([^"]+)"/.exec(stderr)?.[1] ?? 'unknown'
}

/** A peer that could not be started, and why. */
export interface Skipped {
  name: string
  reason: string
}

/** Installs any missing peer package into {@link TOOLS} (one `npm install`); throws its output. */
function ensurePackages(): void {
  const missing = Object.entries(PEER_PACKAGES).filter(
    ([name, version]) =>
      !existsSync(path.join(TOOLS, 'node_modules', name, 'package.json')) ||
      !(
        JSON.parse(readFileSync(path.join(TOOLS, 'node_modules', name, 'package.json'), 'utf8'))
          .version as string
      ).startsWith(version),
  )
  if (missing.length === 0) return
  mkdirSync(TOOLS, { recursive: true })
  if (!existsSync(path.join(TOOLS, 'package.json')))
    writeFileSync(path.join(TOOLS, 'package.json'), '{"private":true}\n')
  console.log(`installing ${missing.map(([n, v]) => `${n}@${v}`).join(', ')} into ${TOOLS}`)
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', ...missing.map(([n, v]) => `${n}@${v}`)],
    { cwd: TOOLS, stdio: ['ignore', 'pipe', 'pipe'] },
  )
}

/** `java -version` works, installing Debian's openjdk-17-jre-headless first when root can. */
function ensureJava(): string | undefined {
  const works = () => {
    try {
      execFileSync('java', ['-version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  }
  if (works()) return undefined
  if (process.getuid?.() !== 0)
    return 'java is missing (install openjdk-17-jre-headless as root to include WireMock)'
  try {
    console.log('installing openjdk-17-jre-headless for WireMock')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env })
    execFileSync(
      'apt-get',
      ['install', '-y', '--no-install-recommends', 'openjdk-17-jre-headless'],
      {
        stdio: 'ignore',
        env,
      },
    )
  } catch (error) {
    return `java is missing and apt-get could not install openjdk-17-jre-headless: ${(error as Error).message.split('\n')[0]}`
  }
  return works() ? undefined : 'java is still missing after installing openjdk-17-jre-headless'
}

const BEARER = 'Bearer .+'

async function startWireMock(routes: PeerRoute[], dir: string): Promise<Target> {
  const jar = path.join(
    TOOLS,
    'node_modules',
    'wiremock',
    'build',
    `wiremock-standalone-${PEER_PACKAGES.wiremock}.jar`,
  )
  mkdirSync(path.join(dir, 'wiremock', 'mappings'), { recursive: true })
  const mappings = routes.map((route) => {
    const url = new URL(route.path, 'http://peer')
    return {
      request: {
        method: route.method,
        urlPathTemplate: route.template,
        ...(url.search
          ? {
              queryParameters: Object.fromEntries(
                [...url.searchParams].map(([k, v]) => [k, { equalTo: v }]),
              ),
            }
          : {}),
        headers: { Authorization: { matches: BEARER } },
      },
      response: {
        status: route.status,
        headers: { 'Content-Type': route.contentType },
        base64Body: route.body.toString('base64'),
      },
    }
  })
  writeFileSync(
    path.join(dir, 'wiremock', 'mappings', 'bench.json'),
    JSON.stringify({ mappings }, null, 2),
  )
  const port = await freePort()
  return startListening(
    'java',
    [
      '-jar',
      jar,
      '--port',
      String(port),
      '--bind-address',
      '127.0.0.1',
      '--root-dir',
      path.join(dir, 'wiremock'),
      '--no-request-journal',
      '--disable-request-logging',
      '--disable-banner',
    ],
    port,
  )
}

async function startMockoon(routes: PeerRoute[], dir: string): Promise<Target> {
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
  const response = (n: number, over: Record<string, unknown>) => ({
    uuid: uuid(n),
    body: '',
    latency: 0,
    statusCode: 200,
    label: '',
    headers: [],
    bodyType: 'INLINE',
    filePath: '',
    databucketID: '',
    sendFileAsBody: false,
    rules: [],
    rulesOperator: 'OR',
    disableTemplating: true,
    fallbackTo404: false,
    default: false,
    crudKey: 'id',
    callbacks: [],
    ...over,
  })
  const mockoonRoutes = routes.map((route, i) => ({
    uuid: uuid(100 + i),
    type: 'http',
    documentation: '',
    method: route.method.toLowerCase(),
    // Mockoon matches paths without the query and writes parameters as `:name`.
    endpoint: route.template.slice(1).replace(/\{(\w+)\}/g, ':$1'),
    responses: [
      response(200 + i * 2, {
        statusCode: route.status,
        headers: [{ key: 'Content-Type', value: route.contentType }],
        body: route.body.toString('utf8'),
        rules: [
          {
            target: 'header',
            modifier: 'Authorization',
            value: `^${BEARER}$`,
            invert: false,
            operator: 'regex',
          },
        ],
      }),
      response(201 + i * 2, {
        statusCode: 401,
        body: '{"message":"no bearer token"}',
        default: true,
      }),
    ],
    responseMode: null,
    streamingMode: null,
    streamingInterval: 0,
  }))
  const port = await freePort()
  const environment = {
    uuid: uuid(1),
    lastMigration: 33,
    name: 'bench',
    endpointPrefix: '',
    latency: 0,
    port,
    hostname: '127.0.0.1',
    folders: [],
    routes: mockoonRoutes,
    rootChildren: mockoonRoutes.map((r) => ({ type: 'route', uuid: r.uuid })),
    proxyMode: false,
    proxyHost: '',
    proxyRemovePrefix: false,
    tlsOptions: {
      enabled: false,
      type: 'CERT',
      pfxPath: '',
      certPath: '',
      keyPath: '',
      caPath: '',
      passphrase: '',
    },
    cors: true,
    headers: [],
    proxyReqHeaders: [],
    proxyResHeaders: [],
    data: [],
    callbacks: [],
  }
  const file = path.join(dir, 'mockoon.json')
  writeFileSync(file, JSON.stringify(environment))
  return startListening(
    process.execPath,
    [
      path.join(TOOLS, 'node_modules', '@mockoon', 'cli', 'bin', 'run.js'),
      'start',
      '--data',
      file,
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
      '--disable-log-to-file',
      '--disable-admin-api',
    ],
    port,
  )
}

/** The official spec with each route's answer as its operation's 200 example. */
function specWithExamples(routes: PeerRoute[], dir: string): string {
  const spec = parse(readFileSync(SPEC, 'utf8'))
  for (const route of routes) {
    const template = route.template.replace(
      /^\/api\/v2\/databases\/[^/]+\/schemas\/[^/]+/,
      '/api/v2/databases/{database}/schemas/{schema}',
    )
    const operation = spec.paths[template]?.[route.method.toLowerCase()]
    if (!operation) throw new Error(`the spec has no ${route.method} ${template}`)
    operation.responses['200'] = {
      description: 'OK',
      content: { [route.contentType]: { example: JSON.parse(route.body.toString('utf8')) } },
    }
  }
  const out = path.join(dir, 'snowflake-examples.yaml')
  writeFileSync(out, stringify(spec))
  return out
}

async function startPrism(routes: PeerRoute[], dir: string): Promise<Target> {
  if (!existsSync(SPEC)) throw new Error('the official Snowflake spec is not beside this checkout')
  const port = await freePort()
  return startListening(
    path.join(TOOLS, 'node_modules', 'node', 'bin', 'node'),
    [
      path.join(TOOLS, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js'),
      'mock',
      specWithExamples(routes, dir),
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-v',
      'silent',
    ],
    port,
  )
}

/**
 * Whether a peer serves what the mock serves: each route's status and JSON (Prism re-encodes it),
 * and a 4xx without the bearer token. Returns what differs, if anything.
 */
async function answersLikeTheMock(port: number, routes: PeerRoute[]): Promise<string | undefined> {
  for (const route of routes) {
    const url = `http://127.0.0.1:${port}${route.path}`
    const answer = await fetch(url, {
      method: route.method,
      headers: route.headers,
      body: route.requestBody,
    })
    const text = await answer.text()
    const what = `${route.method} ${route.path}`
    if (answer.status !== route.status)
      return `${what} answered ${answer.status}, not ${route.status}: ${text.slice(0, 300)}`
    let same = false
    try {
      same = isDeepStrictEqual(JSON.parse(text), JSON.parse(route.body.toString('utf8')))
    } catch {}
    if (!same) return `${what} answered other JSON than the mock: ${text.slice(0, 300)}`
    const anonymous = Object.fromEntries(
      Object.entries(route.headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
    )
    const refused = await fetch(url, {
      method: route.method,
      headers: anonymous,
      body: route.requestBody,
    })
    await refused.arrayBuffer()
    if (refused.status < 400)
      return `${what} answered ${refused.status} without a bearer token, not a 4xx`
  }
  return undefined
}

/** The peers by the name the results use, with how each starts. */
const PEERS: Array<{
  name: string
  key: string
  /** Its npm package, in PEER_PACKAGES. */
  pkg: keyof typeof PEER_PACKAGES
  needsJava?: boolean
  start(routes: PeerRoute[], dir: string): Promise<Target>
}> = [
  {
    name: `WireMock ${PEER_PACKAGES.wiremock}`,
    key: 'wiremock',
    pkg: 'wiremock',
    needsJava: true,
    start: startWireMock,
  },
  {
    name: `Mockoon CLI ${PEER_PACKAGES['@mockoon/cli']}`,
    key: 'mockoon',
    pkg: '@mockoon/cli',
    start: startMockoon,
  },
  {
    name: `Prism ${PEER_PACKAGES['@stoplight/prism-cli']}`,
    key: 'prism',
    pkg: '@stoplight/prism-cli',
    start: startPrism,
  },
]

/** The peers' display names, by key. */
export const PEER_NAMES: Record<string, string> = Object.fromEntries(
  PEERS.map((p) => [p.key, p.name]),
)

/**
 * Starts every peer that can be had, each serving `routes`. Returns the started ones by key and
 * the skipped ones with their reasons.
 */
export async function startPeers(
  routes: PeerRoute[],
  dir: string,
): Promise<{ started: Record<string, Target>; skipped: Skipped[] }> {
  const started: Record<string, Target> = {}
  const skipped: Skipped[] = []
  let installError: string | undefined
  try {
    ensurePackages()
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string }
    installError = `npm could not install it into the bench tools folder (BENCH_TOOLS): ${(e.stderr?.toString() || e.message).trim().split('\n').slice(-3).join(' ')}`
  }
  const javaProblem = ensureJava()
  for (const peer of PEERS) {
    const reason =
      (peer.needsJava ? javaProblem : undefined) ??
      (installError && !existsSync(path.join(TOOLS, 'node_modules', peer.pkg, 'package.json'))
        ? installError
        : undefined)
    if (reason) {
      skipped.push({ name: peer.name, reason })
      continue
    }
    let target: Target | undefined
    try {
      target = await peer.start(routes, dir)
      const problem = await answersLikeTheMock(target.port, routes)
      if (problem) throw new Error(problem)
      started[peer.key] = target
    } catch (error) {
      target?.child.kill()
      skipped.push({ name: peer.name, reason: (error as Error).message.slice(0, 500) })
    }
  }
  return { started, skipped }
}
