import type { Faker } from '@faker-js/faker'
import type { z } from 'zod'
import type { Clock } from './clock.ts'
import type { Random } from './random.ts'
import type { Session } from './session.ts'

/** HTTP methods the vendors use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** What a handler gets: the parsed request and the session it belongs to. */
export interface OperationContext<Store> {
  request: Request
  url: URL
  /** Path parameters, already percent-decoded. */
  params: Record<string, string>
  query: URLSearchParams
  store: Store
  session: Session
  clock: Clock
  /** The session's model random stream (ids, digests of new records). */
  random: Random
  requestId: string
  /** `<vendor>.<operationId>`. */
  operationId: string
  /** The raw request body ('' when none). */
  bodyText: string
  /** Parses the body as JSON; throws a 400 {@link MockStatusError} when it is not. */
  readJson(): Promise<unknown>
}

/** One vendor operation: its contract identity and its handler. */
export interface OperationDefinition<Store> {
  /** The vendor's own operationId, e.g. `listImageRepositories`. */
  id: string
  method: HttpMethod
  /** OpenAPI path template, served at the same path as the real API. */
  path: string
  summary: string
  /** Statuses the contract lists; `Prefer: code=` accepts only these when given. */
  statuses?: readonly number[]
  /** `false` for operations that need no credentials. */
  auth?: boolean
  /** What `/__mock/openapi.json` says about the operation, from the zod schemas the handler uses. */
  docs?: OperationDocs
  handle(ctx: OperationContext<Store>): Response | Promise<Response>
}

/** The published contract of one operation. */
export interface OperationDocs {
  /** Query parameters as one object schema; optional properties are optional parameters. */
  query?: z.ZodObject
  /** Request headers the operation reads, beyond auth (name → description). */
  headers?: Record<string, string>
  requestBody?: z.ZodType
  /** Success and notable answers; error statuses from `statuses` get the vendor's error schema. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>
}

/** A vendor error as it goes on the wire. */
export interface RenderedError {
  status: number
  body: unknown
  headers?: Record<string, string>
}

/** What the error renderer knows about the failed request. */
export interface ErrorContext {
  requestId: string
  /** `<vendor>.<operationId>`, or `<vendor>.*` for unrouted requests. */
  operationId: string
  method: string
  path: string
}

/** What a vendor's authenticate() gets. */
export interface AuthContext<Store> {
  request: Request
  store: Store
  session: Session
  operation: OperationDefinition<Store>
  url: URL
  bodyText: string
  clock: Clock
}

/** What a vendor's seeding function gets. */
export interface SeedContext<Store> {
  store: Store
  /** A faker seeded for this vendor and session seed, with its reference date on the session clock. */
  faker: Faker
  random: Random
  clock: Clock
  /** Scenario options such as `{ count: 10000 }` for `large`. */
  options: ScenarioOptions
}

/** Options a scenario can be run with. */
export interface ScenarioOptions {
  /** Records per vendor for size-driven scenarios. */
  count?: number
}

/** Everything the core needs to serve one vendor. */
export interface VendorModule<Store = unknown> {
  name: string
  title: string
  /** Path prefixes the vendor owns: unmatched requests under them get the vendor's 404 / 405. */
  pathPrefixes: readonly string[]
  requestIdHeader: string
  createRequestId(random: Random): string
  /** A fresh, empty store: an object of `@msw/data` collections only (state export relies on it). */
  createStore(): Store
  operations: ReadonlyArray<OperationDefinition<Store>>
  /** Turns any thrown value into the vendor's error envelope (the vendor's one error wrapper). */
  renderError(error: unknown, ctx: ErrorContext): RenderedError
  /** The vendor's error envelope, for the published contract. */
  errorSchema?: z.ZodType
  /** OpenAPI security schemes the vendor accepts (name → scheme object). */
  securitySchemes?: Record<string, Record<string, unknown>>
  /** `all`: every scheme is needed together (Cycle's token + hub); default `any` of them. */
  securityRequirement?: 'any' | 'all'
  /** Throws the vendor's 401/403 when the request lacks credentials or rights. */
  authenticate?(ctx: AuthContext<Store>): void | Promise<void>
}

/** Keeps the Store type of a vendor module while letting modules sit in one list. */
export function defineVendor<Store>(vendor: VendorModule<Store>): VendorModule<Store> {
  return vendor
}

/** Keeps handler types tied to a vendor's store. */
export function defineOperation<Store>(
  operation: OperationDefinition<Store>,
): OperationDefinition<Store> {
  return operation
}

/** Any vendor, whatever its store (stores are invariant, so lists need this). */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of vendors
export type AnyVendor = VendorModule<any>
