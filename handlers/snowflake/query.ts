import { z } from 'zod'
import { CREATE_MODES } from './records.ts'

/** A LIKE pattern matches identifiers of at most 255 characters; longer ones are refused. */
export const MAX_LIKE_LENGTH = 1024

/** `true` or `false`, as Snowflake's boolean query parameters are written. */
const booleanParam = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .transform((value) => value === 'true')
const boundedText = (description: string) =>
  z
    .string()
    .max(MAX_LIKE_LENGTH, { error: `longer than ${MAX_LIKE_LENGTH} characters` })
    .describe(description)
const like = boundedText('SQL LIKE pattern (% and _, \\ escapes), case-insensitive')
const createMode = z.enum(CREATE_MODES, {
  error: `expected one of ${CREATE_MODES.join(', ')}`,
})
/** SHOW-style filters and paging of listDatabases and listSchemas (contract common parameters). */
const showQuery = z.object({
  like: like.optional(),
  startsWith: boundedText('Case-sensitive name prefix').optional(),
  showLimit: z.coerce
    .number({ error: 'expected an integer from 1 to 10000' })
    .int({ error: 'expected an integer from 1 to 10000' })
    .min(1, { error: 'expected an integer from 1 to 10000' })
    .max(10_000, { error: 'expected an integer from 1 to 10000' })
    .optional()
    .describe('At most this many rows'),
  fromName: boundedText(
    'With showLimit: a cursor; only names strictly after this one (case-sensitive, in name order)',
  ).optional(),
  history: booleanParam.optional().describe('Also list dropped objects still in Time Travel'),
})

/** Query parameters, per operation, as the handlers accept them (and the docs describe them). */
export const snowflakeQuery = {
  list: z.object({ like: like.optional() }),
  create: z.object({ createMode: createMode.optional() }),
  ifExists: z.object({ ifExists: booleanParam.optional() }),
  getTags: z.object({ withLineage: booleanParam.optional() }),
  fetchResult: z.object({
    page: z
      .string()
      .regex(/^\d{1,15}$/, { error: 'expected an integer ≥ 0' })
      .optional()
      .describe('Result page (accepted; results are never split)'),
  }),
  show: showQuery,
  createContainer: z.object({
    createMode: createMode.optional(),
    kind: z
      .string()
      .regex(/^(?:transient|permanent)?$/i, { error: 'expected transient, permanent or empty' })
      .optional()
      .describe('Deprecated: `transient`, `permanent` or empty; a kind in the body wins'),
  }),
  deleteContainer: z.object({
    ifExists: booleanParam.optional(),
    restrict: booleanParam
      .optional()
      .describe('Refuse the drop while foreign keys from elsewhere reference its tables'),
  }),
}
