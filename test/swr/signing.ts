import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core'
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'
import { SWR_ACCESS_KEY, SWR_SECRET_KEY } from '../../fixtures/swr.ts'

/** What to sign: the request as it will be sent. */
export interface SignOptions {
  baseUrl: string
  path: string
  query?: Record<string, string>
  headers?: Record<string, string>
  method?: string
  ak?: string
  sk?: string
  /** Signing time in ms; default: now, as the SDK does. */
  date?: number
}

/** `yyyyMMddTHHmmssZ`, the form of X-Sdk-Date. */
export function sdkDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

/**
 * Signs a request with Huawei's own signer (huaweicloud-sdk-core `AKSKSigner`), so the tests check
 * the mock's verifier against the vendor's code rather than against a copy of the mock's.
 * Returns the URL to fetch and the headers to send.
 */
export function signWithHuaweiSigner(options: SignOptions): {
  url: string
  headers: Record<string, string>
} {
  const credential = new BasicCredentials()
    .withAk(options.ak ?? SWR_ACCESS_KEY)
    .withSk(options.sk ?? SWR_SECRET_KEY)
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...options.headers,
  }
  if (options.date !== undefined) headers['X-Sdk-Date'] = sdkDate(options.date)
  const signed = AKSKSigner.sign(
    {
      endpoint: `${options.baseUrl}${options.path}`,
      method: options.method ?? 'GET',
      headers,
      queryParams: options.query ?? {},
    },
    credential,
  ) as Record<string, string>
  // fetch sets Host itself, to the same value the signer used.
  const { host: _host, ...send } = signed
  const query = new URLSearchParams(options.query ?? {}).toString()
  return { url: `${options.path}${query ? `?${query}` : ''}`, headers: send }
}
