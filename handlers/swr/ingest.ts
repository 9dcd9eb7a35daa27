import type { ForwardRequest, ProxyAdapter, RecordedAnswer } from '../../core/proxy/types.ts'
import { upsertRecord } from '../../core/proxy/upsert.ts'
import type { SwrOperationId } from './index.ts'
import { findSecretKey } from './model.ts'
import { parseSharedReposQuery } from './query.ts'
import type { SharedRepository, ShowReposResp, SwrAccount } from './records.ts'
import { canonicalize, parseSignatureHeader, SIGNING_ALGORITHM, sign } from './signer.ts'
import type { SwrStore } from './store.ts'

/** The account a recording starts with, until a `center=self` answer names the real one. */
const UNKNOWN_ACCOUNT: SwrAccount = {
  domainName: 'recorded-account',
  domainId: '',
  projectId: '',
  region: '',
  registry: '',
  internalRegistry: '',
}

/** `registry/namespace/name` → registry (the part before the namespace). */
function registryOf(address: string, namespace: string, name: string): string {
  const suffix = `/${namespace}/${name}`
  return address.endsWith(suffix) ? address.slice(0, -suffix.length) : ''
}

/**
 * ListSharedReposDetails answers back into the store: each repository (less `total_range`,
 * which depends on the query), keyed by owner, namespace and name. A `center=self` answer also
 * names the account (its `domain_name` and registries), which decides self versus thirdparty
 * when the recording is served.
 */
async function ingestSwr(store: SwrStore, answer: RecordedAnswer): Promise<void> {
  // SWR's one operation: a second one makes this a compile error until it is recorded (or not).
  const operation = answer.operation as SwrOperationId
  if (operation !== 'ListSharedReposDetails') return operation satisfies never
  if (!Array.isArray(answer.body)) return
  const center = parseSharedReposQuery(answer.url.searchParams).center
  const items = answer.body as ShowReposResp[]
  const own = center === 'self' ? items[0] : undefined
  const account = store.accounts.all()[0]
  if (own) {
    await upsertRecord(store.accounts, account, {
      ...(account ?? UNKNOWN_ACCOUNT),
      domainName: own.domain_name,
      registry: registryOf(own.path, own.namespace, own.name),
      internalRegistry: registryOf(own.internal_path, own.namespace, own.name),
    })
  } else if (!account) {
    await store.accounts.create({ ...UNKNOWN_ACCOUNT })
  }
  for (const { total_range: _total, ...repository } of items) {
    const existing = store.repositoriesByName
      .all(repository.name)
      .find((r) => r.namespace === repository.namespace && r.domain_name === repository.domain_name)
    await upsertRecord<SharedRepository>(store.sharedRepositories, existing, repository)
  }
}

/**
 * AK/SK signatures cover the Host header. When the caller signed for the mock's host and the
 * upstream's differs, the request is re-signed for the upstream host with the same access key
 * and `X-Sdk-Date`, provided the session knows that key's secret (`swr.accessKeys` of its state
 * or scenario); otherwise it goes as signed, and the upstream judges it. A re-signed request
 * carries the mock's word for it, so the caller's signature is verified first, exactly as when
 * the mock answers itself: a wrong secret or signature is SWR's 401 `SVCSTG.SWR.4010000` and
 * never reaches the upstream.
 */
async function resignForUpstream(request: ForwardRequest): Promise<void> {
  const authorization = request.headers.get('authorization')
  if (!authorization?.trimStart().startsWith(SIGNING_ALGORITHM)) return
  const parsed = parseSignatureHeader(authorization)
  const sdkDate = request.headers.get('x-sdk-date')?.trim()
  if (!parsed || !sdkDate || !parsed.signedHeaders.includes('host')) return
  if (request.original.host === request.target.host) return
  const secretKey = findSecretKey(request.store as SwrStore, parsed.accessKey)
  if (secretKey === undefined) return
  await request.authenticate()
  const canonical = await canonicalize(
    {
      method: request.method,
      url: request.target,
      header: (name) => (name === 'host' ? request.target.host : request.headers.get(name)),
      body: request.bodyBytes,
    },
    parsed.signedHeaders,
    sdkDate,
  )
  const signature = await sign(secretKey, canonical.stringToSign)
  request.headers.set(
    'authorization',
    `${SIGNING_ALGORITHM} Access=${parsed.accessKey}, SignedHeaders=${parsed.signedHeaders.join(';')}, Signature=${signature}`,
  )
}

/** SWR in proxy mode: recording and re-signing for the upstream host. */
export const swrProxy: ProxyAdapter<SwrStore> = {
  ingest: ingestSwr,
  prepareForward: resignForUpstream,
}
