import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SNOWFLAKE_READ_ONLY_TOKEN } from '../../fixtures/snowflake.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'
import { expectSnowflakeError } from './containers-support.ts'
import { expectSnowflakeShape } from './contract.ts'

const AUTH = { Authorization: 'Bearer test-oauth-token' }
const JSON_AUTH = { ...AUTH, 'Content-Type': 'application/json' }
const REPOS = '/api/v2/databases/ml_platform/schemas/images/image-repositories'

describe.each(TRANSPORTS)('Snowflake image repositories (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  const get = (path: string, headers: Record<string, string> = AUTH) => h.fetch(path, { headers })
  const post = (path: string, body: unknown, headers: Record<string, string> = JSON_AUTH) =>
    h.fetch(path, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const del = (path: string, headers: Record<string, string> = AUTH) =>
    h.fetch(path, { method: 'DELETE', headers })

  const expectError = expectSnowflakeError

  describe('listImageRepositories', () => {
    it('lists the repositories of a schema, sorted by name, with Snowflake-shaped records', async () => {
      const response = await get(REPOS)
      expect(response.status).toBe(200)
      expect(response.headers.get('x-snowflake-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/)
      const body = await response.json()
      expectSnowflakeShape('ImageRepository[]', body)
      expect(body.length).toBe(6)
      const names = body.map((r: { name: string }) => r.name)
      expect(names).toEqual([...names].sort())
      for (const repo of body) {
        expect(repo.database_name).toBe('ML_PLATFORM')
        expect(repo.schema_name).toBe('IMAGES')
        expect(repo.repository_url).toBe(
          `myorg-ml-prod.registry.snowflakecomputing.com/ml_platform/images/${repo.name.toLowerCase()}`,
        )
        expect(repo.created_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/)
      }
    })

    it('filters with like using % and _ case-insensitively', async () => {
      const all: Array<{ name: string }> = await (await get(REPOS)).json()
      const first = all[0]?.name as string
      const prefix = first.slice(0, 3).toLowerCase()
      const byPrefix: Array<{ name: string }> = await (
        await get(`${REPOS}?like=${encodeURIComponent(`${prefix}%`)}`)
      ).json()
      expect(byPrefix.length).toBeGreaterThan(0)
      expect(byPrefix.every((r) => r.name.startsWith(prefix.toUpperCase()))).toBe(true)
      expect(byPrefix).toEqual(all.filter((r) => r.name.startsWith(prefix.toUpperCase())))
      const oneChar = `${first.slice(0, -1).toLowerCase()}_`
      const exact: Array<{ name: string }> = await (
        await get(`${REPOS}?like=${encodeURIComponent(oneChar)}`)
      ).json()
      expect(exact.map((r) => r.name)).toContain(first)
      const none = await (await get(`${REPOS}?like=no_such_repo%25`)).json()
      expect(none).toEqual([])
    })

    it('answers 404 for an unknown database or schema instead of an empty list', async () => {
      await expectError(
        await get('/api/v2/databases/missing_db/schemas/images/image-repositories'),
        404,
        '002003',
        /Database 'MISSING_DB' does not exist or not authorized/,
      )
      await expectError(
        await get('/api/v2/databases/ml_platform/schemas/nope/image-repositories'),
        404,
        '002003',
        /Schema 'ML_PLATFORM.NOPE' does not exist/,
      )
    })

    it('answers 400 for an invalid identifier in the path', async () => {
      await expectError(
        await get('/api/v2/databases/1bad-name/schemas/images/image-repositories'),
        400,
        '001003',
        /invalid database name '1bad-name'/,
      )
    })

    it('answers 401 without a bearer token, and for an unknown token type or a malformed JWT', async () => {
      await expectError(await get(REPOS, {}), 401, '390303', /Authorization header is missing/)
      await expectError(
        await get(REPOS, { ...AUTH, 'X-Snowflake-Authorization-Token-Type': 'PASSWORD' }),
        401,
        '390303',
        /Unsupported X-Snowflake-Authorization-Token-Type 'PASSWORD'/,
      )
      await expectError(
        await get(REPOS, { ...AUTH, 'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT' }),
        401,
        '390144',
        /JWT token is invalid/,
      )
      const jwt = await get(REPOS, {
        Authorization: 'Bearer aaa.bbb.ccc',
        'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
      })
      expect(jwt.status).toBe(200)
    })
  })

  describe('createImageRepository', () => {
    it('creates a repository whose unquoted name resolves to upper case', async () => {
      const response = await post(REPOS, { name: 'new_repo' })
      expect(response.status).toBe(200)
      const body = await response.json()
      expectSnowflakeShape('SuccessResponse', body)
      expect(body.status).toBe('Image Repository NEW_REPO successfully created.')
      const fetched = await (await get(`${REPOS}/New_Repo`)).json()
      expectSnowflakeShape('ImageRepository', fetched)
      expect(fetched).toMatchObject({
        name: 'NEW_REPO',
        database_name: 'ML_PLATFORM',
        schema_name: 'IMAGES',
        owner: 'SPCS_ADMIN',
        owner_role_type: 'ROLE',
        repository_url: 'myorg-ml-prod.registry.snowflakecomputing.com/ml_platform/images/new_repo',
      })
    })

    it.each(['"my_repo"', '"Mixed Case"'])(
      'refuses the quoted name %s with a 400 that says why, and stores nothing',
      async (name) => {
        const before = await (await get(REPOS)).json()
        const error = await expectError(
          await post(REPOS, { name }),
          400,
          '391902',
          /quoted names with special characters or case-sensitive names are not supported for image repositories/,
        )
        expect(error.message).toContain(`image repository name ${name}`)
        expect(error.message).toMatch(/repository URL lower-cases/)
        expect(await (await get(REPOS)).json()).toEqual(before)
      },
    )

    it('accepts a quoted name that reads the same unquoted ("MY_REPO" is MY_REPO)', async () => {
      expect((await post(REPOS, { name: '"MY_REPO"' })).status).toBe(200)
      const fetched = await (await get(`${REPOS}/my_repo`)).json()
      expectSnowflakeShape('ImageRepository', fetched)
      expect(fetched.name).toBe('MY_REPO')
    })

    it('never gives two repositories one repository_url: my_repo then "my_repo"', async () => {
      expect((await post(REPOS, { name: 'my_repo' })).status).toBe(200)
      expect((await post(REPOS, { name: '"my_repo"' })).status).toBe(400)
      const urls: string[] = []
      for (const schema of ['ml_platform/schemas/public', 'ml_platform/schemas/images']) {
        const list = await (await get(`/api/v2/databases/${schema}/image-repositories`)).json()
        urls.push(...list.map((r: { repository_url: string }) => r.repository_url))
      }
      expect(urls).toContain(
        'myorg-ml-prod.registry.snowflakecomputing.com/ml_platform/images/my_repo',
      )
      expect(new Set(urls).size).toBe(urls.length)
    })

    it('refuses a repository in a database or schema whose name is quoted', async () => {
      const json = { ...AUTH, 'Content-Type': 'application/json' }
      expect((await post('/api/v2/databases', { name: '"Team Db"' }, json)).status).toBe(200)
      await expectError(
        await post(
          `/api/v2/databases/${encodeURIComponent('"Team Db"')}/schemas/public/image-repositories`,
          { name: 'repo' },
        ),
        400,
        '391902',
        /do not support the quoted database name "Team Db"/,
      )
      expect(
        (await post('/api/v2/databases/ml_platform/schemas', { name: '"lower"' }, json)).status,
      ).toBe(200)
      await expectError(
        await post(
          `/api/v2/databases/ml_platform/schemas/${encodeURIComponent('"lower"')}/image-repositories`,
          { name: 'repo' },
        ),
        400,
        '391902',
        /do not support the quoted schema name "lower"/,
      )
    })

    it('refuses a URL that imported state already gave to another repository', async () => {
      const state = await (await h.fetch('/__mock/state')).json()
      state.stores.snowflake.repositories.push({
        name: 'legacy',
        database_name: 'ML_PLATFORM',
        schema_name: 'IMAGES',
        created_on: '2025-01-01T00:00:00.000+00:00',
        repository_url: 'myorg-ml-prod.registry.snowflakecomputing.com/ml_platform/images/legacy',
        owner: 'SYSADMIN',
        owner_role_type: 'ROLE',
      })
      const put = await h.fetch('/__mock/state', { method: 'PUT', body: JSON.stringify(state) })
      expect(put.status).toBe(200)
      await expectError(
        await post(REPOS, { name: 'legacy' }),
        409,
        '002002',
        /Repository URL '.*\/ml_platform\/images\/legacy' already belongs to image repository ML_PLATFORM.IMAGES."legacy"/,
      )
    })

    it('returns 409 when createMode=errorIfExists and the name exists', async () => {
      expect((await post(REPOS, { name: 'dup' })).status).toBe(200)
      await expectError(
        await post(`${REPOS}?createMode=errorIfExists`, { name: 'DUP' }),
        409,
        '002002',
        /Object 'DUP' already exists/,
      )
      await expectError(await post(REPOS, { name: 'dup' }), 409, '002002', /already exists/)
    })

    it('succeeds without change when createMode=ifNotExists and the name exists', async () => {
      await post(REPOS, { name: 'keep' })
      const before = await (await get(`${REPOS}/keep`)).json()
      h.mock.clock.advance(60_000)
      const response = await post(`${REPOS}?createMode=ifNotExists`, { name: 'keep' })
      expect(response.status).toBe(200)
      expect((await response.json()).status).toBe('KEEP already exists, statement succeeded.')
      expect(await (await get(`${REPOS}/keep`)).json()).toEqual(before)
    })

    it('replaces the repository and drops its images when createMode=orReplace', async () => {
      const [existing] = await (await get(REPOS)).json()
      const images = await (await get(`${REPOS}/${existing.name}/images`)).json()
      expect(images.length).toBeGreaterThan(0)
      const response = await post(`${REPOS}?createMode=orReplace`, { name: existing.name })
      expect(response.status).toBe(200)
      const replaced = await (await get(`${REPOS}/${existing.name}`)).json()
      expect(replaced.created_on).not.toBe(existing.created_on)
      expect(await (await get(`${REPOS}/${existing.name}/images`)).json()).toEqual([])
    })

    it('ignores read-only fields in the body: only name is writable', async () => {
      const response = await post(REPOS, {
        name: 'ro_fields',
        owner: 'EVIL',
        database_name: 'OTHER',
        created_on: 'x',
      })
      expect(response.status).toBe(200)
      const fetched = await (await get(`${REPOS}/ro_fields`)).json()
      expect(fetched.owner).toBe('SPCS_ADMIN')
      expect(fetched.database_name).toBe('ML_PLATFORM')
    })

    it.each([
      ['malformed JSON', '{"name": ', /Request body is not valid JSON/],
      ['an empty body', '', /Request body is empty/],
      ['a name of the wrong type', { name: 42 }, /name: must be a string/],
      ['a missing name', {}, /name: is required/],
      ['an unknown field', { name: 'x', comment: 'hi' }, /Unrecognized key.*comment/],
      ['an array body', [{ name: 'x' }], /Invalid ImageRepository in request body/],
      ['an invalid identifier', { name: 'has space' }, /invalid image repository name 'has space'/],
      ['an over-long name', { name: 'A'.repeat(256) }, /longer than 255 characters/],
    ])('answers 400 for %s and stores nothing', async (_label, body, message) => {
      const before = await (await get(REPOS)).json()
      // A bad identifier is a SQL syntax error (001003); a bad body is a request error (391902).
      const response = await post(REPOS, body)
      const error = await response.json()
      expect(response.status).toBe(400)
      expectSnowflakeShape('ErrorResponse', error)
      expect(['001003', '391902']).toContain(error.code)
      expect(error.message).toMatch(message)
      expect(await (await get(REPOS)).json()).toEqual(before)
    })

    it('answers 400 for an invalid createMode', async () => {
      await expectError(
        await post(`${REPOS}?createMode=sometimes`, { name: 'x' }),
        400,
        '391902',
        /Invalid value 'sometimes' for query parameter createMode/,
      )
    })

    it('answers 415 for a body that is not JSON by its content type', async () => {
      await expectError(
        await post(REPOS, 'name=x', {
          ...AUTH,
          'Content-Type': 'application/x-www-form-urlencoded',
        }),
        415,
        '391915',
        /Unsupported media type/,
      )
    })

    it('answers 403 to a read-only token', async () => {
      await expectError(
        await post(
          REPOS,
          { name: 'nope' },
          {
            Authorization: `Bearer ${SNOWFLAKE_READ_ONLY_TOKEN}`,
            'Content-Type': 'application/json',
          },
        ),
        403,
        '003001',
        /Insufficient privileges/,
      )
      expect(
        (await get(REPOS, { Authorization: `Bearer ${SNOWFLAKE_READ_ONLY_TOKEN}` })).status,
      ).toBe(200)
    })
  })

  describe('fetchImageRepository', () => {
    it('answers 404 with the qualified name for a missing repository', async () => {
      await expectError(
        await get(`${REPOS}/ghost`),
        404,
        '002003',
        /Image Repository 'ML_PLATFORM.IMAGES.GHOST' does not exist or not authorized/,
      )
    })
  })

  describe('deleteImageRepository', () => {
    it('drops a repository', async () => {
      await post(REPOS, { name: 'doomed' })
      const response = await del(`${REPOS}/doomed`)
      expect(response.status).toBe(200)
      const body = await response.json()
      expectSnowflakeShape('SuccessResponse', body)
      expect(body.status).toBe('DOOMED successfully dropped.')
      expect((await get(`${REPOS}/doomed`)).status).toBe(404)
    })

    it('answers 404 for a missing repository unless ifExists=true', async () => {
      await expectError(await del(`${REPOS}/ghost`), 404, '002003', /does not exist/)
      await expectError(await del(`${REPOS}/ghost?ifExists=false`), 404, '002003', /does not exist/)
      const response = await del(`${REPOS}/ghost?ifExists=true`)
      expect(response.status).toBe(200)
      expectSnowflakeShape('SuccessResponse', await response.json())
    })

    it('answers 400 for an ifExists that is not a boolean', async () => {
      await expectError(
        await del(`${REPOS}/ghost?ifExists=yes`),
        400,
        '391902',
        /expected true or false/,
      )
    })
  })

  describe('listImagesInRepository', () => {
    it('lists images with digests, tags and image paths', async () => {
      const [repo] = await (await get(REPOS)).json()
      const response = await get(`${REPOS}/${repo.name}/images`)
      expect(response.status).toBe(200)
      const images = await response.json()
      expectSnowflakeShape('Image[]', images)
      expect(images.length).toBeGreaterThan(0)
      for (const image of images) {
        expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
        expect(image.image_path).toBe(
          `ml_platform/images/${repo.name.toLowerCase()}/${image.image_name}:${image.tags}`,
        )
      }
    })

    it('answers 404 for a missing repository', async () => {
      await expectError(await get(`${REPOS}/ghost/images`), 404, '002003', /GHOST' does not exist/)
    })
  })

  describe('tags', () => {
    it('sets, reads and unsets tags', async () => {
      await post(REPOS, { name: 'tagged' })
      const set = await post(`${REPOS}/tagged:set-tags`, [
        { tag_name: 'environment', tag_value: 'staging' },
        { tag_name: 'COST_CENTER', tag_value: 'ml-4711' },
      ])
      expect(set.status).toBe(200)
      expectSnowflakeShape('SuccessResponse', await set.json())
      const tags = await (await get(`${REPOS}/tagged:get-tags`)).json()
      expectSnowflakeShape('TagAssignment[]', tags)
      expect(tags).toEqual([
        {
          tag_database: 'ML_PLATFORM',
          tag_schema: 'IMAGES',
          tag_name: 'ENVIRONMENT',
          tag_value: 'staging',
          level: 'IMAGE REPOSITORY',
        },
        {
          tag_database: 'ML_PLATFORM',
          tag_schema: 'IMAGES',
          tag_name: 'COST_CENTER',
          tag_value: 'ml-4711',
          level: 'IMAGE REPOSITORY',
        },
      ])
      expect((await post(`${REPOS}/tagged:unset-tags`, [{ tag_name: 'environment' }])).status).toBe(
        200,
      )
      const after = await (await get(`${REPOS}/tagged:get-tags?withLineage=true`)).json()
      expect(after.map((t: { tag_name: string }) => t.tag_name)).toEqual(['COST_CENTER'])
    })

    it('answers 404 for a tag that does not exist and changes nothing', async () => {
      await post(REPOS, { name: 'tagged' })
      await expectError(
        await post(`${REPOS}/tagged:set-tags`, [
          { tag_name: 'COST_CENTER', tag_value: 'a' },
          { tag_name: 'NOPE', tag_value: 'b' },
        ]),
        404,
        '002003',
        /Tag 'ML_PLATFORM.IMAGES.NOPE' does not exist/,
      )
      expect(await (await get(`${REPOS}/tagged:get-tags`)).json()).toEqual([])
    })

    it('answers 400 for a value outside the allowed values and for a body that is not an array', async () => {
      await post(REPOS, { name: 'tagged' })
      await expectError(
        await post(`${REPOS}/tagged:set-tags`, [{ tag_name: 'ENVIRONMENT', tag_value: 'qa' }]),
        400,
        '391902',
        /Tag value 'qa' is not allowed/,
      )
      await expectError(
        await post(`${REPOS}/tagged:set-tags`, { tag_name: 'ENVIRONMENT' }),
        400,
        '391902',
        /expected an array of TagAssignment/,
      )
      await expectError(
        await post(`${REPOS}/tagged:set-tags`, [{ tag_name: 'ENVIRONMENT' }]),
        400,
        '391902',
        /tag_value: is required/,
      )
    })

    it('answers 404 for a missing repository unless ifExists=true', async () => {
      await expectError(
        await post(`${REPOS}/ghost:set-tags`, [{ tag_name: 'ENVIRONMENT', tag_value: 'dev' }]),
        404,
        '002003',
        /does not exist/,
      )
      expect(
        (await post(`${REPOS}/ghost:unset-tags?ifExists=true`, [{ tag_name: 'ENVIRONMENT' }]))
          .status,
      ).toBe(200)
      await expectError(await get(`${REPOS}/ghost:get-tags`), 404, '002003', /does not exist/)
    })
  })

  describe('routing', () => {
    it('answers 405 with Allow for a method the path does not support', async () => {
      const response = await h.fetch(`${REPOS}/x`, {
        method: 'PUT',
        headers: JSON_AUTH,
        body: '{}',
      })
      await expectError(response, 405, '391905', /Method PUT is not allowed/)
      expect(response.headers.get('allow')).toBe('GET, DELETE')
    })

    it('answers 404 in the Snowflake shape for an unknown path under the API', async () => {
      await expectError(
        await get('/api/v2/databases/db/schemas/s/image-repositories/x/y/z'),
        404,
        '391904',
        /No Snowflake endpoint/,
      )
    })
  })
})
