import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SNOWFLAKE_READ_ONLY_TOKEN } from '../../fixtures/snowflake.ts'
import { createMock } from '../../index.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { AUTH, containerHelpers, DAY, DBS, enc, JSON_AUTH } from './containers-support.ts'
import { expectSnowflakeShape } from './contract.ts'

const READ_ONLY = {
  Authorization: `Bearer ${SNOWFLAKE_READ_ONLY_TOKEN}`,
  'Content-Type': 'application/json',
}

describe.each(TRANSPORTS)('Snowflake databases (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())
  const { get, post, del, names, expectOk, expectError, snapshot } = containerHelpers(() => h)

  describe('listDatabases', () => {
    it('lists the seeded databases by name, each a contract Database', async () => {
      const response = await get(DBS)
      expect(response.status).toBe(200)
      expect(response.headers.get('x-snowflake-request-id')).toMatch(/^[0-9a-f]{8}-/)
      const body = await response.json()
      expectSnowflakeShape('Database[]', body)
      expect(body.map((d: { name: string }) => d.name)).toEqual([
        'ANALYTICS_DB',
        'ML_PLATFORM',
        'TUTORIAL_DB',
      ])
      expect(body[1]).toMatchObject({
        name: 'ML_PLATFORM',
        kind: 'PERMANENT',
        owner: 'SYSADMIN',
        owner_role_type: 'ROLE',
        retention_time: 7,
        data_retention_time_in_days: 7,
        is_current: false,
        dropped_on: null,
      })
      expect(body[2]).toMatchObject({
        name: 'TUTORIAL_DB',
        kind: 'TRANSIENT',
        options: 'TRANSIENT',
      })
      for (const database of body) {
        expect(database.created_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/)
      }
    })

    it('filters with like (case-insensitive) and startsWith (case-sensitive)', async () => {
      expect(await names(`${DBS}?like=${enc('%platform%')}`)).toEqual(['ML_PLATFORM'])
      expect(await names(`${DBS}?like=${enc('%\\_DB')}`)).toEqual(['ANALYTICS_DB', 'TUTORIAL_DB'])
      expect(await names(`${DBS}?startsWith=ML`)).toEqual(['ML_PLATFORM'])
      expect(await names(`${DBS}?startsWith=ml`)).toEqual([])
    })

    it('pages with showLimit, and with fromName only together with showLimit', async () => {
      expect(await names(`${DBS}?showLimit=2`)).toEqual(['ANALYTICS_DB', 'ML_PLATFORM'])
      expect(await names(`${DBS}?showLimit=10&fromName=ML`)).toEqual(['ML_PLATFORM', 'TUTORIAL_DB'])
      // A cursor: names strictly after it ("rows only following", as SHOW … LIMIT n FROM 'name').
      expect(await names(`${DBS}?showLimit=2&fromName=ML_PLATFORM`)).toEqual(['TUTORIAL_DB'])
      expect(await names(`${DBS}?showLimit=1&fromName=ML_PLATFORM`)).toEqual(['TUTORIAL_DB'])
      expect(await names(`${DBS}?showLimit=1&fromName=TUTORIAL_DB`)).toEqual([])
      // fromName is case-sensitive and binary-ordered: lower case sorts after every upper-case name.
      expect(await names(`${DBS}?showLimit=10&fromName=ml`)).toEqual([])
      expect(await names(`${DBS}?fromName=TUTORIAL`)).toHaveLength(3)
    })

    it('a showLimit=1 cursor loop visits every database once, as SQLAlchemy’s dialect pages', async () => {
      const all = await names(DBS)
      const seen: string[] = []
      let page = await names(`${DBS}?showLimit=1`)
      while (page.length > 0 && seen.length <= all.length) {
        seen.push(...page)
        page = await names(`${DBS}?showLimit=1&fromName=${enc(page.at(-1) as string)}`)
      }
      expect(seen).toEqual(all)
    })

    it.each([
      ['showLimit=0', /query parameter showLimit; expected an integer from 1 to 10000/],
      ['showLimit=10001', /query parameter showLimit; expected an integer from 1 to 10000/],
      ['showLimit=ten', /Invalid value 'ten' for query parameter showLimit/],
      ['history=yes', /Invalid value 'yes' for query parameter history; expected true or false/],
      [`like=${'%'.repeat(1025)}`, /query parameter like; longer than 1024 characters/],
      [`startsWith=${'A'.repeat(1025)}`, /query parameter startsWith; longer than 1024/],
    ])('answers 400 for %s', async (query, message) => {
      await expectError(await get(`${DBS}?${query}`), 400, '391902', message)
    })

    it('lists only live databases unless history=true, which adds dropped ones with dropped_on', async () => {
      await expectOk(await del(`${DBS}/tutorial_db`), 'TUTORIAL_DB successfully dropped.')
      const droppedOn = new Date(h.mock.clock.now()).toISOString().replace('Z', '+00:00')
      expect(await names(DBS)).toEqual(['ANALYTICS_DB', 'ML_PLATFORM'])
      const history = await (await get(`${DBS}?history=true`)).json()
      expectSnowflakeShape('Database[]', history)
      expect(history.map((d: { name: string }) => d.name)).toEqual([
        'ANALYTICS_DB',
        'ML_PLATFORM',
        'TUTORIAL_DB',
      ])
      expect(history[2].dropped_on).toBe(droppedOn)
      // TUTORIAL_DB keeps dropped objects one day: then it is gone from the history too.
      h.mock.clock.advance(DAY)
      expect(await names(`${DBS}?history=true`)).toEqual(['ANALYTICS_DB', 'ML_PLATFORM'])
    })

    it('answers 401 without a token and lets a read-only token list', async () => {
      await expectError(await get(DBS, {}), 401, '390303', /Authorization header is missing/)
      expect((await get(DBS, READ_ONLY)).status).toBe(200)
    })
  })

  describe('createDatabase', () => {
    it('creates a database from a contract Database body, holding schema PUBLIC', async () => {
      await expectOk(
        await post(DBS, {
          name: 'feature_store',
          kind: 'TRANSIENT',
          comment: 'features',
          data_retention_time_in_days: 0,
          log_level: 'WARN',
          owner: 'IGNORED',
          created_on: 'ignored',
        }),
        'Database FEATURE_STORE successfully created.',
      )
      const fetched = await (await get(`${DBS}/Feature_Store`)).json()
      expectSnowflakeShape('Database', fetched)
      expect(fetched).toMatchObject({
        name: 'FEATURE_STORE',
        kind: 'TRANSIENT',
        options: 'TRANSIENT',
        comment: 'features',
        owner: 'SPCS_ADMIN',
        retention_time: 0,
        log_level: 'WARN',
        max_data_extension_time_in_days: 14,
        created_on: new Date(h.mock.clock.now() - 1000).toISOString().replace('Z', '+00:00'),
      })
      const schemas = await (await get(`${DBS}/feature_store/schemas`)).json()
      expectSnowflakeShape('Schema[]', schemas)
      expect(schemas).toHaveLength(1)
      expect(schemas[0]).toMatchObject({
        name: 'PUBLIC',
        database_name: 'FEATURE_STORE',
        kind: 'TRANSIENT',
        retention_time: 0,
        log_level: 'WARN',
      })
    })

    it('keeps the case of a quoted name and returns it quoted', async () => {
      await expectOk(
        await post(DBS, { name: '"Team Db"' }),
        'Database "Team Db" successfully created.',
      )
      const fetched = await (await get(`${DBS}/${enc('"Team Db"')}`)).json()
      expectSnowflakeShape('Database', fetched)
      expect(fetched.name).toBe('"Team Db"')
      expect((await get(`${DBS}/team_db`)).status).toBe(404)
    })

    it('honours createMode: 409 errorIfExists, ifNotExists keeps, orReplace replaces and drops the old contents', async () => {
      await expectError(
        await post(DBS, { name: 'ml_platform' }),
        409,
        '002002',
        /Object 'ML_PLATFORM' already exists/,
      )
      await expectError(
        await post(`${DBS}?createMode=errorIfExists`, { name: 'ML_PLATFORM' }),
        409,
        '002002',
        /already exists/,
      )
      const before = await (await get(`${DBS}/ml_platform`)).json()
      await expectOk(
        await post(`${DBS}?createMode=ifNotExists`, { name: 'ml_platform', comment: 'x' }),
        'ML_PLATFORM already exists, statement succeeded.',
      )
      expect(await (await get(`${DBS}/ml_platform`)).json()).toEqual(before)
      await expectOk(
        await post(`${DBS}?createMode=orReplace`, { name: 'ml_platform', comment: 'fresh' }),
        'Database ML_PLATFORM successfully created.',
      )
      const replaced = await (await get(`${DBS}/ml_platform`)).json()
      expect(replaced).toMatchObject({ comment: 'fresh', retention_time: 1 })
      expect(await names(`${DBS}/ml_platform/schemas`)).toEqual(['PUBLIC'])
      await expectError(
        await get(`${DBS}/ml_platform/schemas/images/image-repositories`),
        404,
        '002003',
        /Schema 'ML_PLATFORM.IMAGES' does not exist or not authorized/,
      )
    })

    it('takes the kind from the deprecated kind query parameter when the body has none', async () => {
      await expectOk(await post(`${DBS}?kind=transient`, { name: 'scratch' }), /SCRATCH/)
      expect((await (await get(`${DBS}/scratch`)).json()).kind).toBe('TRANSIENT')
    })

    it.each([
      ['malformed JSON', '{"name": ', /Request body is not valid JSON/],
      ['an empty body', '', /Request body is empty/],
      ['a missing name', { comment: 'x' }, /Invalid Database in request body: name: is required/],
      ['a name of the wrong type', { name: 7 }, /name: must be a string/],
      ['an unknown field', { name: 'x', colour: 'red' }, /Unrecognized key.*colour/],
      ['a bad kind', { name: 'x', kind: 'TEMPORARY' }, /kind: must be PERMANENT or TRANSIENT/],
      [
        'a retention over 90 days',
        { name: 'x', data_retention_time_in_days: 91 },
        /data_retention_time_in_days: must be from 0 to 90/,
      ],
      ['a bad log level', { name: 'x', log_level: 'LOUD' }, /log_level: must be one of TRACE/],
      ['an invalid identifier', { name: '9lives' }, /invalid database name '9lives'/],
      ['an over-long name', { name: 'D'.repeat(256) }, /longer than 255 characters/],
    ])('answers 400 for %s and creates nothing', async (_label, body, message) => {
      const before = await (await get(DBS)).json()
      const response = await post(DBS, body)
      const error = await response.json()
      expect(response.status, JSON.stringify(error)).toBe(400)
      expectSnowflakeShape('ErrorResponse', error)
      expect(['001003', '391902']).toContain(error.code)
      expect(error.message).toMatch(message)
      expect(await (await get(DBS)).json()).toEqual(before)
    })

    it('answers 400 for a bad createMode or kind query parameter, 415 for a non-JSON body', async () => {
      await expectError(
        await post(`${DBS}?createMode=always`, { name: 'x' }),
        400,
        '391902',
        /Invalid value 'always' for query parameter createMode; expected one of errorIfExists, orReplace, ifNotExists/,
      )
      await expectError(
        await post(`${DBS}?kind=temporary`, { name: 'x' }),
        400,
        '391902',
        /query parameter kind; expected transient, permanent or empty/,
      )
      await expectError(
        await post(DBS, 'name=x', { ...AUTH, 'Content-Type': 'text/plain' }),
        415,
        '391915',
        /Unsupported media type 'text\/plain'/,
      )
    })

    it('answers 403 to a read-only token and creates nothing', async () => {
      await expectError(
        await post(DBS, { name: 'nope' }, READ_ONLY),
        403,
        '003001',
        /Insufficient privileges to operate on account/,
      )
      expect((await get(`${DBS}/nope`)).status).toBe(404)
    })
  })

  describe('fetchDatabase', () => {
    it('answers 404 with the resolved name, and 400 for an invalid identifier', async () => {
      await expectError(
        await get(`${DBS}/ghost_db`),
        404,
        '002003',
        /Database 'GHOST_DB' does not exist or not authorized/,
      )
      await expectError(await get(`${DBS}/bad-name`), 400, '001003', /invalid database name/)
    })
  })

  describe('deleteDatabase and undropDatabase', () => {
    it('drops a database with its schemas and repositories; undrop restores exactly that', async () => {
      const tagged = `${DBS}/ml_platform/schemas/images/image-repositories`
      const [first] = await (await get(tagged)).json()
      await post(`${tagged}/${first.name}:set-tags`, [
        { tag_name: 'COST_CENTER', tag_value: 'cc-1' },
      ])
      const before = await snapshot('ml_platform')
      expect(Object.values(before.repositories).flat().length).toBeGreaterThan(0)

      await expectOk(await del(`${DBS}/ml_platform`), 'ML_PLATFORM successfully dropped.')
      await expectError(
        await get(`${DBS}/ml_platform`),
        404,
        '002003',
        /Database 'ML_PLATFORM' does not exist/,
      )
      await expectError(
        await get(tagged),
        404,
        '002003',
        /Database 'ML_PLATFORM' does not exist or not authorized/,
      )
      await expectError(await get(`${DBS}/ml_platform/schemas`), 404, '002003', /ML_PLATFORM/)

      await expectOk(
        await post(`${DBS}/ml_platform:undrop`),
        'Database ML_PLATFORM successfully restored.',
      )
      expect(await snapshot('ml_platform')).toEqual(before)
    })

    it('answers 404 for a missing database unless ifExists=true', async () => {
      await expectError(await del(`${DBS}/ghost`), 404, '002003', /Database 'GHOST' does not exist/)
      await expectOk(
        await del(`${DBS}/ghost?ifExists=true`),
        'Drop statement executed successfully (GHOST already dropped).',
      )
    })

    it('drops a non-empty database with restrict=true too: restrict only guards foreign keys', async () => {
      await expectOk(await del(`${DBS}/analytics_db?restrict=true`), /successfully dropped/)
      expect((await get(`${DBS}/analytics_db`)).status).toBe(404)
    })

    it('answers 400 for ifExists or restrict that are not booleans', async () => {
      await expectError(
        await del(`${DBS}/x?restrict=maybe`),
        400,
        '391902',
        /restrict; expected true or false/,
      )
      await expectError(
        await del(`${DBS}/x?ifExists=1`),
        400,
        '391902',
        /ifExists; expected true or false/,
      )
    })

    it('refuses an undrop while a database of that name lives (409), or with nothing to restore (404)', async () => {
      await expectError(
        await post(`${DBS}/ml_platform:undrop`),
        409,
        '002002',
        /Object 'ML_PLATFORM' already exists/,
      )
      await expectError(
        await post(`${DBS}/never_was:undrop`),
        404,
        '002003',
        /Database 'NEVER_WAS' does not exist/,
      )
      await del(`${DBS}/analytics_db`)
      await post(DBS, { name: 'analytics_db' })
      await expectError(await post(`${DBS}/analytics_db:undrop`), 409, '002002', /already exists/)
    })

    it('restores the latest dropped version only within its retention time', async () => {
      await post(DBS, { name: 'short', data_retention_time_in_days: 1, comment: 'v1' })
      await del(`${DBS}/short`)
      await post(DBS, { name: 'short', data_retention_time_in_days: 2, comment: 'v2' })
      await del(`${DBS}/short`)
      await expectOk(await post(`${DBS}/short:undrop`), /restored/)
      expect((await (await get(`${DBS}/short`)).json()).comment).toBe('v2')
      await del(`${DBS}/short`)
      h.mock.clock.advance(2 * DAY)
      await expectError(
        await post(`${DBS}/short:undrop`),
        404,
        '002003',
        /Database 'SHORT' does not exist/,
      )
    })

    it('answers 403 to a read-only token for delete and undrop', async () => {
      await expectError(await del(`${DBS}/ml_platform`, READ_ONLY), 403, '003001', /on database/)
      await expectError(
        await post(`${DBS}/ml_platform:undrop`, undefined, READ_ONLY),
        403,
        '003001',
        /Insufficient privileges/,
      )
      expect((await get(`${DBS}/ml_platform`)).status).toBe(200)
    })
  })
})

describe('Snowflake databases and schemas: determinism and scale', () => {
  async function bodies(seed: number): Promise<string[]> {
    const mock = createMock({ seed })
    await mock.ready
    const out: string[] = []
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`https://acct.snowflakecomputing.com${path}`, {
        ...init,
        headers: { ...JSON_AUTH, ...(init.headers ?? {}) },
      })
      out.push(
        `${response.status} ${response.headers.get('x-snowflake-request-id')} ${await response.text()}`,
      )
    }
    const { setupServer } = await import('msw/node')
    const server = setupServer(...mock.handlers)
    server.listen({ onUnhandledRequest: 'error' })
    try {
      await call(DBS)
      await call(`${DBS}/ml_platform/schemas?history=true`)
      await call(DBS, { method: 'POST', body: '{"name":"d"}' })
      await call(`${DBS}/d/schemas`)
      await call(`${DBS}/ml_platform/schemas/images`, { method: 'DELETE' })
      await call(`${DBS}/ml_platform/schemas?history=true`)
      await call(`${DBS}/ml_platform/schemas/images:undrop`, { method: 'POST' })
      await call(`${DBS}/ml_platform/schemas/images/image-repositories`)
    } finally {
      server.close()
    }
    return out
  }

  it('gives byte-identical bodies for the same seed', async () => {
    expect(await bodies(5)).toEqual(await bodies(5))
  })

  it('seeds the same containers in the large scenario, and drops and undrops 10,000 repositories', async () => {
    const mock = createMock({ scenario: 'large', seed: 1 })
    await mock.ready
    const store = mock.db.snowflake
    expect(
      store.databases
        .all()
        .map((d) => d.name)
        .sort(),
    ).toEqual(['ANALYTICS_DB', 'ML_PLATFORM', 'TUTORIAL_DB'])
    const urls = store.repositories.all().map((r) => r.repository_url)
    expect(urls.length).toBeGreaterThanOrEqual(10_000)
    expect(new Set(urls).size).toBe(urls.length)
    const { setupServer } = await import('msw/node')
    const server = setupServer(...mock.handlers)
    server.listen({ onUnhandledRequest: 'error' })
    try {
      const schema = `https://acct.snowflakecomputing.com${DBS}/ml_platform/schemas/images`
      const dropped = await fetch(schema, { method: 'DELETE', headers: AUTH })
      expect(dropped.status).toBe(200)
      expect(store.repositories.all().length).toBe(urls.length - 10_000)
      expect(store.images.all().filter((i) => i.schema_name === 'IMAGES')).toEqual([])
      const restored = await fetch(`${schema}:undrop`, { method: 'POST', headers: AUTH })
      expect(restored.status).toBe(200)
      expect(store.repositories.all().length).toBe(urls.length)
      const listed = await (await fetch(`${schema}/image-repositories`, { headers: AUTH })).json()
      expect(listed).toHaveLength(10_000)
    } finally {
      server.close()
    }
  }, 120_000)
})
