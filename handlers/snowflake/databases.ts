import { z } from 'zod'
import { snowflakeOperation } from './auth.ts'
import { resolveIdentifier } from './identifiers.ts'
import {
  createDatabase,
  deleteDatabase,
  fetchDatabase,
  listDatabases,
  undropDatabase,
} from './model/containers.ts'
import { snowflakeQuery } from './query.ts'
import { createDatabaseBodySchema, databaseWireSchema } from './records.ts'
import {
  ASYNC_HEADERS,
  answer,
  CONTAINER_STATUSES,
  type Ctx,
  ok,
  parseBody,
  pathIdentifier,
  RESPOND_ASYNC,
  readJsonBody,
  success,
} from './respond.ts'

const BASE = '/api/v2/databases'

const databaseName = (ctx: Ctx) => pathIdentifier(ctx, 'name', 'database name')

/**
 * Snowflake's database operations (contract `database.yaml`): list, create, fetch, delete and
 * undrop. Clone, createOrAlter, from-share, replication, failover and tags are not served: they
 * answer Snowflake's 404 like any unknown endpoint.
 */
export const databaseOperations = [
  snowflakeOperation({
    id: 'listDatabases',
    permission: 'read',
    query: snowflakeQuery.show,
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('The databases, by name', z.array(databaseWireSchema)),
    },
    method: 'GET',
    path: BASE,
    summary: 'List databases.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) => answer(ctx, async () => ok(listDatabases(ctx.store, ctx.query, ctx.clock))),
  }),
  snowflakeOperation({
    id: 'createDatabase',
    permission: { write: 'account' },
    query: snowflakeQuery.createContainer,
    docs: {
      headers: ASYNC_HEADERS,
      requestBody: createDatabaseBodySchema,
      responses: success('Created (or kept, with ifNotExists); it holds schema PUBLIC'),
    },
    method: 'POST',
    path: BASE,
    summary: 'Create a database.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const { createMode = 'errorIfExists', kind } = ctx.query
        const body = parseBody(createDatabaseBodySchema, await readJsonBody(ctx), 'Database')
        const name = resolveIdentifier(body.name, 'database name')
        return ok({
          status: await createDatabase(ctx.store, name, body, kind, createMode, ctx.clock),
        })
      }),
  }),
  snowflakeOperation({
    id: 'fetchDatabase',
    permission: 'read',
    docs: { headers: ASYNC_HEADERS, responses: success('The database', databaseWireSchema) },
    method: 'GET',
    path: `${BASE}/{name}`,
    summary: 'Fetch a database.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) => answer(ctx, async () => ok(fetchDatabase(ctx.store, databaseName(ctx)))),
  }),
  snowflakeOperation({
    id: 'deleteDatabase',
    permission: { write: 'database' },
    query: snowflakeQuery.deleteContainer,
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('Dropped, with its schemas and image repositories'),
    },
    method: 'DELETE',
    path: `${BASE}/{name}`,
    summary: 'Delete a database.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const name = databaseName(ctx)
        const { ifExists = false } = ctx.query
        return ok({ status: await deleteDatabase(ctx.store, name, ifExists, ctx.clock) })
      }),
  }),
  snowflakeOperation({
    id: 'undropDatabase',
    permission: { write: 'account' },
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('Restored, with everything its drop removed'),
    },
    method: 'POST',
    path: `${BASE}/{name}:undrop`,
    summary: 'Undrop a database.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok({ status: await undropDatabase(ctx.store, databaseName(ctx), ctx.clock) }),
      ),
  }),
]
