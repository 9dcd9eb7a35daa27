import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseFaultSpec } from '../../server.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const SNOWFLAKE = { Authorization: 'Bearer t', 'Content-Type': 'application/json' }
const CYCLE = { Authorization: 'Bearer t', 'X-Hub-Id': '651586fca6078e98982dbd90' }
const SWR = { 'X-Auth-Token': 't', 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'
const LIST = 'snowflake.listImageRepositories'
const CREATE = 'snowflake.createImageRepository'

/** A request that meets the rule; a dropped connection (fetch rejects) counts as sent. */
type Send = (h: Harness) => Promise<Response | undefined>

const list: Send = (h) => h.fetch(REPOS, { headers: SNOWFLAKE })
const create =
  (name: string, headers: Record<string, string> = {}): Send =>
  (h) =>
    h.fetch(REPOS, {
      method: 'POST',
      headers: { ...SNOWFLAKE, ...headers },
      body: JSON.stringify({ name }),
    })

interface Row {
  /** The rule's field (a path in the rule), as /__mock/openapi.json must describe it. */
  field: string[]
  rule: Record<string, unknown>
  /** The same rule in the `--fault` shorthand. */
  spec: string
  /** A bad value of the field and what its 400 says. */
  bad: Record<string, unknown>
  error: RegExp
  send: Send
}

/**
 * Every field the failure-injection features added: refused with a 400 naming it, written in the
 * shorthand, described by /__mock/openapi.json, kept by a state round trip, counted in
 * matched/fired and named in X-Mock-Fault (when there is an answer) and the journal.
 */
const ROWS: Row[] = [
  {
    field: ['effect', 'when'],
    rule: { match: { operation: CREATE }, effect: { status: 504, when: 'afterCommit' } },
    spec: `${CREATE}:504:when=afterCommit`,
    bad: { match: { operation: CREATE }, effect: { status: 504, when: 'later' } },
    error: /effect\.when: /,
    send: create('audit_when'),
  },
  {
    field: ['effect', 'bytes'],
    rule: { match: { operation: LIST }, effect: { network: 'truncate', bytes: 5 } },
    spec: `${LIST}:truncate:bytes=5`,
    bad: { match: { operation: LIST }, effect: { network: 'truncate' } },
    error: /effect\.bytes: network truncate needs bytes/,
    send: list,
  },
  {
    field: ['effect', 'network'],
    rule: { match: { operation: LIST }, effect: { network: 'garbage' } },
    spec: `${LIST}:garbage`,
    bad: { match: { operation: LIST }, effect: { network: 'noise' } },
    error: /effect\.network: .*"garbage"\|"empty"/,
    send: list,
  },
  {
    field: ['effect', 'network'],
    rule: { match: { operation: LIST }, effect: { network: 'empty' } },
    spec: `${LIST}:empty`,
    bad: { match: { operation: LIST }, effect: { network: 'empty', bytes: 3 } },
    error: /effect\.bytes: goes only with network truncate/,
    send: list,
  },
  {
    field: ['effect', 'bytesPerSecond'],
    rule: { match: { operation: LIST }, effect: { bytesPerSecond: 1_000_000 } },
    spec: `${LIST}:bytesPerSecond=1000000`,
    bad: { match: { operation: LIST }, effect: { bytesPerSecond: 0 } },
    error: /effect\.bytesPerSecond: /,
    send: list,
  },
  {
    field: ['effect', 'delayMs'],
    rule: {
      match: { operation: LIST },
      effect: { delayMs: { distribution: 'uniform', min: 1, max: 3 } },
    },
    spec: `${LIST}:delayMs=uniform(1,3)`,
    bad: { match: { operation: LIST }, effect: { delayMs: { distribution: 'gamma', min: 1 } } },
    error: /effect\.delayMs\.distribution: unknown distribution "gamma"; use uniform or lognormal/,
    send: list,
  },
  {
    field: ['window'],
    rule: { match: { operation: LIST }, effect: { status: 503 }, window: { until: '+1h' } },
    spec: `${LIST}:503:until=+1h`,
    bad: { match: { operation: LIST }, effect: { status: 503 }, window: { from: 'soon' } },
    error: /window\.from: must be \+DURATION/,
    send: list,
  },
  {
    field: ['quota'],
    rule: { match: { operation: LIST }, quota: { limit: 0, perMs: 1000 } },
    spec: `${LIST}:quota=0/1000`,
    bad: { match: { operation: LIST }, quota: { limit: 0, perMs: 1000, by: 'ip' } },
    error: /quota\.by: /,
    send: list,
  },
  {
    field: ['match', 'principal'],
    rule: {
      match: { operation: 'cycle.getImageSources', principal: '651586fca6078e98982dbd90/*' },
      effect: { status: 503 },
    },
    spec: 'cycle.getImageSources:503:principal=651586fca6078e98982dbd90/*',
    bad: { match: { operation: 'cycle.getImageSources', principal: 5 }, effect: { status: 503 } },
    error: /match\.principal: /,
    send: (h) => h.fetch('/v1/images/sources', { headers: CYCLE }),
  },
  {
    field: ['match', 'headers'],
    rule: { match: { operation: LIST, headers: { 'X-Env': 'prod*' } }, effect: { status: 503 } },
    spec: `${LIST}:503:header.X-Env=prod*`,
    bad: { match: { operation: LIST, headers: { 'bad header': 'x' } }, effect: { status: 503 } },
    error: /match\.headers\.bad header: must be a header name/,
    send: (h) => h.fetch(REPOS, { headers: { ...SNOWFLAKE, 'x-env': 'production' } }),
  },
  {
    field: ['match', 'query'],
    rule: { match: { operation: 'swr.*', query: { center: 'self' } }, effect: { delayMs: 1 } },
    spec: 'swr.*:delayMs=1:query.center=self',
    bad: { match: { operation: 'swr.*', query: { center: 1 } }, effect: { delayMs: 1 } },
    error: /match\.query\.center: /,
    send: (h) => h.fetch('/v2/manage/shared-repositories?center=self', { headers: SWR }),
  },
  {
    field: ['match', 'body'],
    rule: { match: { operation: CREATE, body: { name: 'TEST_*' } }, effect: { status: 409 } },
    spec: `${CREATE}:409:body.name=TEST_*`,
    bad: { match: { operation: CREATE, body: { name: 5 } }, effect: { status: 409 } },
    error: /match\.body\.name: /,
    send: create('TEST_audit'),
  },
  {
    field: ['effect', 'async'],
    rule: { match: { operation: CREATE }, effect: { async: 'fail' } },
    spec: `${CREATE}:async=fail`,
    bad: { match: { operation: CREATE }, effect: { async: 'later' } },
    error: /effect\.async: /,
    send: create('audit_async', { Prefer: 'respond-async' }),
  },
]

/** The schema at `path` under a JSON-schema object (following `$ref`s within the document). */
function schemaAt(document: Record<string, unknown>, schema: unknown, path: string[]): unknown {
  let current = schema as Record<string, unknown> | undefined
  for (const key of path) {
    while (current && typeof current.$ref === 'string') {
      current = (current.$ref as string)
        .slice(2)
        .split('/')
        .reduce<unknown>(
          (node, part) => (node as Record<string, unknown>)[part],
          document,
        ) as Record<string, unknown>
    }
    current = (current?.properties as Record<string, Record<string, unknown>> | undefined)?.[key]
  }
  return current
}

describe.each(TRANSPORTS)('every new rule field, audited (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport, { scenario: 'default', seed: 3 })
  })
  afterEach(() => h.close())

  it.each(ROWS.map((row) => [row.spec, row] as const))('%s', async (_spec, row) => {
    const refused = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify(row.bad),
    })
    expect(refused.status).toBe(400)
    expect((await refused.json()).error.message).toMatch(row.error)

    expect(parseFaultSpec(row.spec)).toEqual(row.rule)

    const document = await (await h.fetch('/__mock/openapi.json')).json()
    const post = document.paths['/__mock/faults'].post
    const body = post.requestBody.content['application/json'].schema
    const single = (body.anyOf ?? body.oneOf ?? [body])[0]
    expect(schemaAt(document, single, row.field), row.field.join('.')).toBeDefined()

    const added = await h.fetch('/__mock/faults', {
      method: 'POST',
      body: JSON.stringify({ id: 'audited', ...row.rule }),
    })
    expect(added.status, await added.clone().text()).toBe(201)
    const state = await (await h.fetch('/__mock/state')).json()
    const put = await h.fetch('/__mock/state', { method: 'PUT', body: JSON.stringify(state) })
    expect(put.status, await put.clone().text()).toBeLessThan(300)
    const [restored] = (await (await h.fetch('/__mock/faults')).json()).rules
    expect(restored).toEqual({ ...state.faults[0], matched: 0, fired: 0 })

    const response = await row.send(h).catch(() => undefined)
    if (response) {
      expect(response.headers.get('x-mock-fault')).toBe('audited')
      await response.arrayBuffer().catch(() => undefined)
    }
    const [entry] = h.mock.journal.find()
    expect(entry?.fault).toBe('audited')
    expect(h.mock.faults.list()).toMatchObject([{ id: 'audited', matched: 1, fired: 1 }])
  })

  it('an unknown key is refused naming it, in the rule and in its effect', async () => {
    const refuse = async (rule: unknown) => {
      const response = await h.fetch('/__mock/faults', {
        method: 'POST',
        body: JSON.stringify(rule),
      })
      expect(response.status).toBe(400)
      return (await response.json()).error.message as string
    }
    expect(await refuse({ match: { operation: LIST }, effect: { status: 503 }, colour: 1 })).toBe(
      'rule: Unrecognized key: "colour"',
    )
    expect(await refuse({ match: { operation: LIST }, effect: { status: 503, colour: 1 } })).toBe(
      'effect: Unrecognized key: "colour"',
    )
  })
})
