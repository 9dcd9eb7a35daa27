import { z } from 'zod'
import { reasonPhrase } from './errors.ts'
import type { AnyOperation, AnyVendor } from './vendor.ts'
import { VERSION } from './version.ts'

/** The statuses documented for an operation whose definition lists none. */
export const DEFAULT_STATUSES: readonly number[] = [400, 401, 404, 429, 500, 503]

type JsonObject = Record<string, unknown>

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema, inlined. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonObject {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonObject
  return rest
}

/** Extra paths (the control API) in OpenAPI form. */
export type PathsObject = Record<string, Record<string, JsonObject>>

/**
 * The OpenAPI 3.1 document of everything the mock serves, built from each operation's
 * definition and the zod schemas its handler uses.
 */
export function buildOpenApi(vendors: readonly AnyVendor[], controlPaths: PathsObject): JsonObject {
  const paths: PathsObject = {}
  const securitySchemes: Record<string, Record<string, unknown>> = {}
  const tags: JsonObject[] = []
  for (const vendor of vendors) {
    if (vendor.operations.length === 0) continue
    tags.push({ name: vendor.name, description: vendor.title })
    const names = Object.keys(vendor.securitySchemes ?? {}).map((name) => {
      securitySchemes[`${vendor.name}_${name}`] = vendor.securitySchemes?.[name] ?? {}
      return `${vendor.name}_${name}`
    })
    const security =
      vendor.securityRequirement === 'all' && names.length > 0
        ? [Object.fromEntries(names.map((name) => [name, []]))]
        : names.map((name) => ({ [name]: [] }))
    for (const op of vendor.operations) {
      paths[op.path] = {
        ...paths[op.path],
        [op.method.toLowerCase()]: operationObject(vendor, op, security),
      }
    }
  }
  Object.assign(paths, controlPaths)
  tags.push({
    name: 'control',
    description: 'The mock control API (sessions, faults, journal, state, clock)',
  })
  return {
    openapi: '3.1.0',
    info: {
      title: 'image-registry-mock',
      version: VERSION,
      description:
        "Every operation the mock serves, at the vendors' real paths, plus the /__mock control API. Operation ids are `<vendor>.<operationId>`.",
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The mock itself' }],
    tags,
    paths,
    components: { securitySchemes },
  }
}

function operationObject(vendor: AnyVendor, op: AnyOperation, security: JsonObject[]): JsonObject {
  const parameters: JsonObject[] = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
  const query = op.query
  if (query) {
    const params = query instanceof z.ZodPipe ? query.in : query
    for (const [name, schema] of Object.entries(params.shape as Record<string, z.ZodType>)) {
      const optional = schema.safeParse(undefined).success
      parameters.push({
        name,
        in: 'query',
        required: !optional,
        schema: jsonSchema(schema, 'input'),
        ...describe(schema),
      })
    }
  }
  for (const [name, description] of Object.entries(op.docs?.headers ?? {})) {
    parameters.push({
      name,
      in: 'header',
      required: false,
      description,
      schema: { type: 'string' },
    })
  }
  const responses: JsonObject = {}
  for (const [status, response] of Object.entries(op.docs?.responses ?? {})) {
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? {
            content: {
              [response.contentType ?? 'application/json']: { schema: jsonSchema(response.schema) },
            },
          }
        : {}),
    }
  }
  const errorContent = vendor.errorSchema
    ? { content: { 'application/json': { schema: jsonSchema(vendor.errorSchema) } } }
    : {}
  for (const status of op.statuses ?? DEFAULT_STATUSES) {
    if (status < 400 || responses[status]) continue
    responses[status] = {
      description: `${reasonPhrase(status)}, in the ${vendor.title} error envelope`,
      ...errorContent,
    }
  }
  if (Object.keys(responses).length === 0) responses.default = { description: 'The vendor answer' }
  return {
    operationId: `${vendor.name}.${op.id}`,
    summary: op.summary,
    tags: [vendor.name],
    ...(parameters.length ? { parameters } : {}),
    ...(op.docs?.requestBody
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(op.docs.requestBody, 'input') } },
          },
        }
      : {}),
    responses,
    ...(op.auth === false ? { security: [] } : security.length ? { security } : {}),
  }
}

function describe(schema: z.ZodType): JsonObject {
  const description = schema.description
  return description ? { description } : {}
}
