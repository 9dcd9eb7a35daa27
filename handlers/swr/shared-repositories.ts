import { z } from 'zod'
import { jsonTextResponse } from '../../core/json-response.ts'
import { isJsonUtf8 } from '../../core/media-type.ts'
import { joinArray } from '../../core/record-json.ts'
import type { MockRequest } from '../../core/request-input.ts'
import { swrOperation } from './auth.ts'
import { SwrError } from './errors.ts'
import { listSharedRepositories } from './model.ts'
import { sharedReposQuery } from './query.ts'
import { showReposRespSchema } from './records.ts'

/**
 * Statuses `Prefer: code=` may force: the contract's 200/400/401/500 plus the API gateway's
 * throttling (429) and backend failures (502, 504), in APIG's own body (see `APIG_ERRORS`).
 */
const STATUSES = [200, 400, 401, 429, 500, 502, 504] as const

/** The SWR operations the mock serves. */
export const sharedRepositoryOperations = [
  swrOperation({
    id: 'ListSharedReposDetails',
    permission: null,
    method: 'GET',
    path: '/v2/manage/shared-repositories',
    summary: 'List shared image repositories (shared by me / shared with me)',
    statuses: STATUSES,
    query: sharedReposQuery,
    docs: {
      headers: {
        'Content-Type': 'Required: application/json or application/json;charset=utf-8.',
        'X-Sdk-Date': 'Signing time (yyyyMMddTHHmmssZ) of an AK/SK-signed request.',
      },
      responses: {
        200: {
          description:
            'The shared repositories. With limit and offset, Content-Range: {offset}-{count}/{total}.',
          schema: z.array(showReposRespSchema),
        },
      },
    },
    handle(ctx) {
      requireJsonContentType(ctx.request)
      const query = ctx.query
      const { items, total } = listSharedRepositories(ctx.store, query)
      const headers: Record<string, string> = {}
      if (query.page) headers['Content-Range'] = `${query.page.offset}-${items.length}/${total}`
      // `total_range` closes each element: the rest of it is the record's own cached JSON.
      const totalRange = `,"total_range":${JSON.stringify(total)}}`
      const json = joinArray(items, (r) => ctx.store.repositoryJson.of(r).slice(0, -1) + totalRange)
      return jsonTextResponse(json, { headers })
    },
  }),
]

/**
 * The contract requires `Content-Type: application/json` or `application/json;charset=utf-8` (the
 * SDK sends one even on a GET); throws SWR's 400 otherwise.
 */
function requireJsonContentType(request: MockRequest): void {
  const type = request.headers.get('content-type')
  if (type === null) {
    throw SwrError.invalidParameter(
      'Invalid parameter: the Content-Type header is required; send application/json or application/json;charset=utf-8.',
    )
  }
  // The contract's two values, read as media types: case, spacing and a quoted charset aside.
  if (!isJsonUtf8(type)) {
    throw SwrError.invalidParameter(
      `Invalid parameter: Content-Type "${type.slice(0, 80)}" is not supported; send application/json or application/json;charset=utf-8.`,
    )
  }
}
