import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SNOWFLAKE_READ_ONLY_TOKEN } from '../../fixtures/snowflake.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { AUTH, containerHelpers, DBS, JSON_AUTH } from './containers-support.ts'
import { expectSnowflakeShape } from './contract.ts'

const READ_ONLY = {
  Authorization: `Bearer ${SNOWFLAKE_READ_ONLY_TOKEN}`,
  'Content-Type': 'application/json',
}

describe.each(TRANSPORTS)('Snowflake schemas (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())
  const { get, post, del, names, expectOk, expectError, snapshot } = containerHelpers(() => h)

  describe('listSchemas and fetchSchema', () => {
    it('lists the schemas of a database by name, each a contract Schema', async () => {
      const schemas = await (await get(`${DBS}/ml_platform/schemas`)).json()
      expectSnowflakeShape('Schema[]', schemas)
      expect(schemas.map((s: { name: string }) => s.name)).toEqual(['IMAGES', 'PUBLIC'])
      expect(schemas[0]).toMatchObject({
        database_name: 'ML_PLATFORM',
        owner: 'SPCS_ADMIN',
        retention_time: 7,
        managed_access: false,
        dropped_on: null,
      })
      expect(await names(`${DBS}/tutorial_db/schemas`)).toEqual(['DATA_SCHEMA', 'PUBLIC'])
      const fetched = await (await get(`${DBS}/ml_platform/schemas/Images`)).json()
      expectSnowflakeShape('Schema', fetched)
      expect(fetched).toEqual(schemas[0])
    })

    it('filters and pages as listDatabases does', async () => {
      const base = `${DBS}/ml_platform/schemas`
      expect(await names(`${base}?like=pub%25`)).toEqual(['PUBLIC'])
      expect(await names(`${base}?startsWith=IM`)).toEqual(['IMAGES'])
      expect(await names(`${base}?startsWith=im`)).toEqual([])
      expect(await names(`${base}?showLimit=1`)).toEqual(['IMAGES'])
      expect(await names(`${base}?showLimit=5&fromName=J`)).toEqual(['PUBLIC'])
      expect(await names(`${base}?showLimit=5&fromName=IMAGES`)).toEqual(['PUBLIC'])
      expect(await names(`${base}?showLimit=5&fromName=PUBLIC`)).toEqual([])
      await expectError(await get(`${base}?showLimit=-1`), 400, '391902', /showLimit/)
    })

    it('answers 404 for an unknown database or schema', async () => {
      await expectError(
        await get(`${DBS}/nope/schemas`),
        404,
        '002003',
        /Database 'NOPE' does not exist/,
      )
      await expectError(
        await get(`${DBS}/ml_platform/schemas/nope`),
        404,
        '002003',
        /Schema 'ML_PLATFORM.NOPE' does not exist or not authorized/,
      )
      await expectError(
        await get(`${DBS}/ml_platform/schemas/a-b`),
        400,
        '001003',
        /invalid schema name 'a-b'/,
      )
    })
  })

  describe('createSchema', () => {
    it('creates a schema that inherits the database parameters unless the body sets them', async () => {
      await expectOk(
        await post(`${DBS}/ml_platform/schemas`, {
          name: 'staging',
          managed_access: true,
          comment: 'c',
        }),
        'Schema STAGING successfully created.',
      )
      const fetched = await (await get(`${DBS}/ml_platform/schemas/staging`)).json()
      expectSnowflakeShape('Schema', fetched)
      expect(fetched).toMatchObject({
        name: 'STAGING',
        database_name: 'ML_PLATFORM',
        kind: 'PERMANENT',
        managed_access: true,
        options: 'MANAGED ACCESS',
        retention_time: 7,
        comment: 'c',
      })
      await expectOk(
        await post(`${DBS}/ml_platform/schemas`, { name: 'short', data_retention_time_in_days: 2 }),
        /SHORT/,
      )
      expect((await (await get(`${DBS}/ml_platform/schemas/short`)).json()).retention_time).toBe(2)
    })

    it('honours createMode and answers 404 for a missing database', async () => {
      const base = `${DBS}/ml_platform/schemas`
      await expectError(
        await post(base, { name: 'images' }),
        409,
        '002002',
        /Object 'IMAGES' already exists/,
      )
      await expectOk(
        await post(`${base}?createMode=ifNotExists`, { name: 'images' }),
        /already exists, statement succeeded/,
      )
      expect((await get(`${base}/images/image-repositories`)).status).toBe(200)
      await expectOk(
        await post(`${base}?createMode=orReplace`, { name: 'images' }),
        /IMAGES successfully created/,
      )
      expect(await (await get(`${base}/images/image-repositories`)).json()).toEqual([])
      await expectError(
        await post(`${DBS}/nope/schemas`, { name: 's' }),
        404,
        '002003',
        /Database 'NOPE' does not exist or not authorized/,
      )
    })

    it.each([
      ['a missing name', {}, /Invalid Schema in request body: name: is required/],
      [
        'a bad managed_access',
        { name: 's', managed_access: 'yes' },
        /managed_access: must be true or false/,
      ],
      ['an unknown field', { name: 's', tables: [] }, /Unrecognized key.*tables/],
      ['an invalid identifier', { name: 'two words' }, /invalid schema name 'two words'/],
    ])('answers 400 for %s and creates nothing', async (_label, body, message) => {
      const before = await names(`${DBS}/ml_platform/schemas`)
      const response = await post(`${DBS}/ml_platform/schemas`, body)
      const error = await response.json()
      expect(response.status).toBe(400)
      expectSnowflakeShape('ErrorResponse', error)
      expect(error.message).toMatch(message)
      expect(await names(`${DBS}/ml_platform/schemas`)).toEqual(before)
    })

    it('answers 403 to a read-only token', async () => {
      await expectError(
        await post(`${DBS}/ml_platform/schemas`, { name: 's' }, READ_ONLY),
        403,
        '003001',
        /Insufficient privileges to operate on database/,
      )
      expect((await get(`${DBS}/ml_platform/schemas`, READ_ONLY)).status).toBe(200)
    })
  })

  describe('deleteSchema and undropSchema', () => {
    it('state flow: create database → PUBLIC → create schema → create repository → drop schema → gone → undrop → back', async () => {
      await expectOk(await post(DBS, { name: 'flow_db' }), 'Database FLOW_DB successfully created.')
      expect(await names(`${DBS}/flow_db/schemas`)).toEqual(['PUBLIC'])
      await expectOk(
        await post(`${DBS}/flow_db/schemas`, { name: 'apps' }),
        'Schema APPS successfully created.',
      )
      const repos = `${DBS}/flow_db/schemas/apps/image-repositories`
      await expectOk(
        await post(repos, { name: 'web' }),
        'Image Repository WEB successfully created.',
      )
      const repo = await (await get(`${repos}/web`)).json()
      expectSnowflakeShape('ImageRepository', repo)
      expect(repo.repository_url).toBe(
        'myorg-ml-prod.registry.snowflakecomputing.com/flow_db/apps/web',
      )

      await expectOk(await del(`${DBS}/flow_db/schemas/apps`), 'APPS successfully dropped.')
      expect(await names(`${DBS}/flow_db/schemas`)).toEqual(['PUBLIC'])
      await expectError(
        await get(`${repos}/web`),
        404,
        '002003',
        /Schema 'FLOW_DB.APPS' does not exist or not authorized/,
      )
      const history = await (await get(`${DBS}/flow_db/schemas?history=true`)).json()
      expectSnowflakeShape('Schema[]', history)
      expect(
        history.map((s: { name: string; dropped_on: string | null }) => [
          s.name,
          s.dropped_on !== null,
        ]),
      ).toEqual([
        ['APPS', true],
        ['PUBLIC', false],
      ])

      await expectOk(
        await post(`${DBS}/flow_db/schemas/apps:undrop`),
        'Schema APPS successfully restored.',
      )
      expect(await names(`${DBS}/flow_db/schemas`)).toEqual(['APPS', 'PUBLIC'])
      expect(await (await get(`${repos}/web`)).json()).toEqual(repo)
      expect(await (await get(repos)).json()).toEqual([repo])
    })

    it('drops a schema with its repositories, images and tags; undrop restores exactly them', async () => {
      const before = await snapshot('ml_platform')
      await expectOk(
        await del(`${DBS}/ml_platform/schemas/images?restrict=true`),
        'IMAGES successfully dropped.',
      )
      await expectError(
        await get(`${DBS}/ml_platform/schemas/images/image-repositories`),
        404,
        '002003',
        /Schema 'ML_PLATFORM.IMAGES' does not exist/,
      )
      await expectOk(await post(`${DBS}/ml_platform/schemas/images:undrop`), /restored/)
      expect(await snapshot('ml_platform')).toEqual(before)
    })

    it('answers 404 for a missing schema unless ifExists=true, and for a missing database', async () => {
      await expectError(
        await del(`${DBS}/ml_platform/schemas/ghost`),
        404,
        '002003',
        /Schema 'ML_PLATFORM.GHOST'/,
      )
      await expectOk(
        await del(`${DBS}/ml_platform/schemas/ghost?ifExists=true`),
        'Drop statement executed successfully (GHOST already dropped).',
      )
      await expectError(
        await del(`${DBS}/nope/schemas/s?ifExists=true`),
        404,
        '002003',
        /Database 'NOPE'/,
      )
    })

    it('refuses an undrop while the schema lives (409), with nothing to restore or without its database (404)', async () => {
      await expectError(
        await post(`${DBS}/ml_platform/schemas/images:undrop`),
        409,
        '002002',
        /Object 'IMAGES' already exists/,
      )
      await expectError(
        await post(`${DBS}/ml_platform/schemas/never:undrop`),
        404,
        '002003',
        /Schema 'ML_PLATFORM.NEVER'/,
      )
      await del(`${DBS}/ml_platform/schemas/images`)
      await del(`${DBS}/ml_platform`)
      await expectError(
        await post(`${DBS}/ml_platform/schemas/images:undrop`),
        404,
        '002003',
        /Database 'ML_PLATFORM'/,
      )
      // Undropping the database brings it back without the schema dropped before it; that one
      // is restorable on its own.
      await post(`${DBS}/ml_platform:undrop`)
      expect(await names(`${DBS}/ml_platform/schemas`)).toEqual(['PUBLIC'])
      await expectOk(await post(`${DBS}/ml_platform/schemas/images:undrop`), /restored/)
      expect(await names(`${DBS}/ml_platform/schemas`)).toEqual(['IMAGES', 'PUBLIC'])
    })

    it('answers 403 to a read-only token', async () => {
      await expectError(
        await del(`${DBS}/ml_platform/schemas/images`, READ_ONLY),
        403,
        '003001',
        /on schema/,
      )
      await expectError(
        await post(`${DBS}/ml_platform/schemas/images:undrop`, undefined, READ_ONLY),
        403,
        '003001',
        /Insufficient privileges/,
      )
    })
  })

  describe('as operations like any other', () => {
    it('answers 202 with Prefer: respond-async and serves the result later', async () => {
      const response = await post(
        `${DBS}/ml_platform/schemas`,
        { name: 'later' },
        { ...JSON_AUTH, Prefer: 'respond-async' },
      )
      expect(response.status).toBe(202)
      const accepted = await response.json()
      expectSnowflakeShape('SuccessAcceptedResponse', accepted)
      h.mock.clock.advance(10_000)
      const result = await get(`/api/v2/results/${accepted.resultHandler}`)
      expect(await result.json()).toEqual({ status: 'Schema LATER successfully created.' })
    })

    it('takes fault rules, Prefer: code= and the journal by operation id', async () => {
      h.mock.faults.add({
        match: { operation: 'snowflake.listDatabases' },
        effect: { status: 503 },
        times: 1,
      })
      const faulted = await get(DBS)
      await expectError(faulted, 503, '391923', /temporarily unavailable/)
      expect(faulted.headers.get('retry-after')).toBe('1')
      expect((await get(DBS)).status).toBe(200)
      await expectError(
        await post(`${DBS}/ml_platform/schemas/images:undrop`, undefined, {
          ...AUTH,
          Prefer: 'code=410',
        }),
        410,
        '391910',
        /Gone/,
      )
      expect(
        h.mock.journal.find({ operation: 'snowflake.listDatabases' }).map((e) => e.status),
      ).toEqual([503, 200])
      expect(h.mock.journal.find({ operation: 'snowflake.undropSchema' })).toHaveLength(1)
    })

    it('leaves operations it does not serve at Snowflake 404', async () => {
      for (const [method, path] of [
        ['POST', `${DBS}:from-share`],
        ['POST', `${DBS}/ml_platform/replication:enable`],
        ['POST', `${DBS}/ml_platform/failover:primary`],
        // Custom methods never become part of a name: `{name}:clone` is not `{name}`.
        ['POST', `${DBS}/ml_platform:clone`],
        ['POST', `${DBS}/ml_platform/schemas/images:clone`],
        ['POST', `${DBS}/ml_platform/schemas/images/image-repositories/ai_models:rename`],
      ]) {
        const response = await h.fetch(path as string, { method, headers: JSON_AUTH, body: '{}' })
        await expectError(response, 404, '391904', /No Snowflake endpoint/)
      }
    })
  })
})
