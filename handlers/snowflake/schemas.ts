import { z } from 'zod'
import { snowflakeOperation } from './auth.ts'
import { resolveIdentifier } from './identifiers.ts'
import {
  createSchema,
  deleteSchema,
  fetchSchema,
  listSchemas,
  undropSchema,
} from './model/containers.ts'
import { snowflakeQuery } from './query.ts'
import { createSchemaBodySchema, schemaWireSchema } from './records.ts'
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

const BASE = '/api/v2/databases/{database}/schemas'

const databaseName = (ctx: Ctx) => pathIdentifier(ctx, 'database', 'database name')

const schemaName = (ctx: Ctx) => pathIdentifier(ctx, 'name', 'schema name')

/**
 * Snowflake's schema operations (contract `schema.yaml`): list, create, fetch, delete and undrop.
 * Clone, createOrAlter and tags are not served: they answer Snowflake's 404.
 */
export const schemaOperations = [
  snowflakeOperation({
    id: 'listSchemas',
    permission: 'read',
    query: snowflakeQuery.show,
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('The schemas of the database, by name', z.array(schemaWireSchema)),
    },
    method: 'GET',
    path: BASE,
    summary: 'List schemas.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const database = databaseName(ctx)
        const filter = ctx.query
        return ok(listSchemas(ctx.store, database, filter, ctx.clock))
      }),
  }),
  snowflakeOperation({
    id: 'createSchema',
    permission: { write: 'database' },
    query: snowflakeQuery.createContainer,
    docs: {
      headers: ASYNC_HEADERS,
      requestBody: createSchemaBodySchema,
      responses: success('Created (or kept, with ifNotExists)'),
    },
    method: 'POST',
    path: BASE,
    summary: 'Create a schema.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const database = databaseName(ctx)
        const { createMode = 'errorIfExists', kind } = ctx.query
        const body = parseBody(createSchemaBodySchema, await readJsonBody(ctx), 'Schema')
        const name = resolveIdentifier(body.name, 'schema name')
        return ok({
          status: await createSchema(ctx.store, database, name, body, kind, createMode, ctx.clock),
        })
      }),
  }),
  snowflakeOperation({
    id: 'fetchSchema',
    permission: 'read',
    docs: { headers: ASYNC_HEADERS, responses: success('The schema', schemaWireSchema) },
    method: 'GET',
    path: `${BASE}/{name}`,
    summary: 'Fetch a schema.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => ok(fetchSchema(ctx.store, databaseName(ctx), schemaName(ctx)))),
  }),
  snowflakeOperation({
    id: 'deleteSchema',
    permission: { write: 'schema' },
    query: snowflakeQuery.deleteContainer,
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('Dropped, with its image repositories'),
    },
    method: 'DELETE',
    path: `${BASE}/{name}`,
    summary: 'Delete a schema.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () => {
        const database = databaseName(ctx)
        const name = schemaName(ctx)
        const { ifExists = false } = ctx.query
        return ok({ status: await deleteSchema(ctx.store, database, name, ifExists, ctx.clock) })
      }),
  }),
  snowflakeOperation({
    id: 'undropSchema',
    permission: { write: 'database' },
    docs: {
      headers: ASYNC_HEADERS,
      responses: success('Restored, with everything its drop removed'),
    },
    method: 'POST',
    path: `${BASE}/{name}:undrop`,
    summary: 'Undrop a schema.',
    statuses: CONTAINER_STATUSES,
    asyncWork: RESPOND_ASYNC,
    handle: (ctx) =>
      answer(ctx, async () =>
        ok({
          status: await undropSchema(ctx.store, databaseName(ctx), schemaName(ctx), ctx.clock),
        }),
      ),
  }),
]
