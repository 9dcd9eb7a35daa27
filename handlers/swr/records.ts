import { z } from 'zod'

/** Repository categories the SWR docs list for `ShowReposResp.category`. */
export const SWR_CATEGORIES = [
  'app_server',
  'linux',
  'framework_app',
  'database',
  'lang',
  'other',
  'windows',
  'arm',
] as const

/** A repository category. */
export type SwrCategory = (typeof SWR_CATEGORIES)[number]

/**
 * The calling account (tenant) of a session: its domain name decides `center=self` versus
 * `center=thirdparty`, and its registries shape `path` and `internal_path`.
 */
export const accountSchema = z.object({
  domainName: z.string().min(1),
  domainId: z.string(),
  projectId: z.string(),
  region: z.string(),
  /** External registry address, e.g. `swr.cn-north-4.myhuaweicloud.com`. */
  registry: z.string(),
  /** Internal (VPC) registry address, e.g. `10.125.0.198:20202`. */
  internalRegistry: z.string(),
})

/** An IAM access key pair that may sign requests (AK/SK `SDK-HMAC-SHA256`). */
export const accessKeySchema = z.object({
  accessKey: z.string().min(1),
  secretKey: z.string().min(1),
  description: z.string(),
})

/**
 * A stored shared repository: the contract's `ShowReposResp` without `total_range`, which depends
 * on the query. Repositories whose `domain_name` is the account's are the ones it shares
 * (`center=self`); all others are shared with it (`center=thirdparty`).
 */
export const sharedRepositorySchema = z.object({
  name: z.string().min(1),
  category: z.enum(SWR_CATEGORIES),
  description: z.string(),
  size: z.number().int().min(0),
  is_public: z.boolean(),
  num_images: z.number().int().min(0),
  num_download: z.number().int().min(0),
  created_at: z.string(),
  updated_at: z.string(),
  logo: z.string(),
  url: z.string(),
  path: z.string(),
  internal_path: z.string(),
  domain_name: z.string().min(1),
  namespace: z.string().min(1),
  tags: z.array(z.string()),
  status: z.boolean(),
})

/** One element of the ListSharedReposDetails response (contract `ShowReposResp`, all 18 fields). */
export const showReposRespSchema = sharedRepositorySchema.extend({
  total_range: z.number().int().min(0),
})

/**
 * A shared repository's `ShowReposResp` fields but `total_range` (which depends on the listing),
 * in the contract's order; the tags are a copy.
 */
export function sharedRepositoryWire(r: SharedRepository): SharedRepository {
  return {
    name: r.name,
    category: r.category,
    description: r.description,
    size: r.size,
    is_public: r.is_public,
    num_images: r.num_images,
    num_download: r.num_download,
    created_at: r.created_at,
    updated_at: r.updated_at,
    logo: r.logo,
    url: r.url,
    path: r.path,
    internal_path: r.internal_path,
    domain_name: r.domain_name,
    namespace: r.namespace,
    tags: [...r.tags],
    status: r.status,
  }
}

export type SwrAccount = z.infer<typeof accountSchema>
export type AccessKey = z.infer<typeof accessKeySchema>
export type SharedRepository = z.infer<typeof sharedRepositorySchema>
export type ShowReposResp = z.infer<typeof showReposRespSchema>

/**
 * The SWR error body (contract `ErrorBodyCurrent`): the current `error_code`/`error_msg` pair, read
 * first by Huawei's SDKs, mirrored in the older `errors[]` list.
 */
export const swrErrorBodySchema = z.object({
  error_code: z.string().describe('SVCSTG.SWR.<7 digits>, e.g. SVCSTG.SWR.4000014'),
  error_msg: z.string(),
  errors: z.array(
    z.object({
      errorCode: z.string(),
      errorMessage: z.string(),
      detail: z.string(),
    }),
  ),
})
