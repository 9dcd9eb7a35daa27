import { z } from 'zod'
import { defineOperation } from '../../core/vendor.ts'
import {
  createDatabase,
  deleteDatabase,
  fetchDatabase,
  listDatabases,
  undropDatabase,
} from './containers.ts'
import { resolveIdentifier } from './identifiers.ts'
import type { SnowflakeStore } from './model.ts'
import {
  ASYNC_HEADERS,
  answer,
  CONTAINER_STATUSES,
  type Ctx,
  ok,
  parseBody,
  readJsonBody,
  readQuery,
  success,
} from './respond.ts'
import { createDatabaseBodySchema, databaseWireSchema, snowflakeQuery } from './schemas.ts'

const BASE = '/api/v2/databases'

function databaseName(ctx: Ctx): string {
  return resolveIdentifier(ctx.params.name ?? '', 'database name')
}

/**
 * Snowflake's database operations (contract `database.yaml`): list, create, fetch, delete and
 * undrop. Clone, createOrAlter, from-share, replication, failover and tags are not served: they
 * answer Snowflake's 404 like any unknown endpoint.
 */
export const databaseOperations = [
  defineOperation<SnowflakeStore>({
    id: 'listDatabases',
    docs: {
      query: snowflakeQuery.show,
      headers: ASYNC_HEADERS,
      responses: success('The databases, by name', z.array(databaseWireSchema)),
    },
    method: 'GET',
    path: BASE,
    summary: 'List databases.',
    statuses: CONTAINER_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok(listDatabases(ctx.store, readQuery(ctx.query, snowflakeQuery.show), ctx.clock)),
      ),
  }),
  defineOperation<SnowflakeStore>({
    id: 'createDatabase',
    docs: {
      query: snowflakeQuery.createContainer,
      headers: ASYNC_HEADERS,
      requestBody: createDatabaseBodySchema,
      responses: success('Created (or kept, with ifNotExists); it holds schema PUBLIC'),
    },
    method: 'POST',
    path: BASE,
    summary: 'Create a database.',
    statuses: CONTAINER_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        const { createMode = 'errorIfExists', kind } = readQuery(
          ctx.query,
          snowflakeQuery.createContainer,
        )
        const body = parseBody(createDatabaseBodySchema, await readJsonBody(ctx), 'Database')
        const name = resolveIdentifier(body.name, 'database name')
        return ok({
          status: await createDatabase(ctx.store, name, body, kind, createMode, ctx.clock),
        })
      }),
  }),
  defineOperation<SnowflakeStore>({
    id: 'fetchDatabase',
    docs: { headers: ASYNC_HEADERS, responses: success('The database', databaseWireSchema) },
    method: 'GET',
    path: `${BASE}/{name}`,
    summary: 'Fetch a database.',
    statuses: CONTAINER_STATUSES,
    handle: (ctx) => answer(ctx, async () => ok(fetchDatabase(ctx.store, databaseName(ctx)))),
  }),
  defineOperation<SnowflakeStore>({
    id: 'deleteDatabase',
    docs: {
      query: snowflakeQuery.deleteContainer,
      headers: ASYNC_HEADERS,
      responses: success('Dropped, with its schemas and image repositories'),
    },
    method: 'DELETE',
    path: `${BASE}/{name}`,
    summary: 'Delete a database.',
    statuses: CONTAINER_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () => {
        const name = databaseName(ctx)
        const { ifExists = false } = readQuery(ctx.query, snowflakeQuery.deleteContainer)
        return ok({ status: await deleteDatabase(ctx.store, name, ifExists, ctx.clock) })
      }),
  }),
  defineOperation<SnowflakeStore>({
    id: 'undropDatabase',
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('Restored, with everything its drop removed'),
    },
    method: 'POST',
    path: `${BASE}/{name}:undrop`,
    summary: 'Undrop a database.',
    statuses: CONTAINER_STATUSES,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok({ status: await undropDatabase(ctx.store, databaseName(ctx), ctx.clock) }),
      ),
  }),
]
