import type { Faker } from '@faker-js/faker'
import type { z } from 'zod'
import type { Answer } from './answer.ts'
import type { Clock } from './clock.ts'
import type { MockError } from './errors.ts'
import type { PathRouting } from './path-pattern.ts'
import type { Random } from './random.ts'
import type { MockRequest } from './request-input.ts'

/** HTTP methods the vendors use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * A query schema: one object whose properties are the operation's query parameters (each given
 * as a string, or a string array when repeated), optionally piped into what the handler takes.
 */
// biome-ignore lint/suspicious/noExplicitAny: any object schema, whatever its shape and output
export type QuerySchema = z.ZodObject<any> | z.ZodPipe<z.ZodObject<any>, any>

/** The query an operation without a schema gets: nothing parsed. */
export type NoQuery = z.ZodObject<Record<string, never>>

/** Why a query did not parse: the parameter, what was sent and what was expected. */
export interface QueryIssue {
  parameter: string
  /** The value as sent (an array when the parameter was repeated). */
  value: string | string[] | undefined
  /** A whole sentence when the schema wrote it; otherwise zod's phrase (`expected true or false`). */
  message: string
  /** True when `message` is the schema's own sentence, to be shown as it is. */
  ownMessage: boolean
}

/**
 * What a handler gets: the parsed request, the caller and this session's store, clock and random
 * stream. Nothing else of the session: handlers serve one vendor's model, never the mock.
 */
export interface OperationContext<
  Store,
  Principal = undefined,
  Query extends QuerySchema = NoQuery,
> {
  request: MockRequest
  url: URL
  /** Path parameters, already percent-decoded. */
  params: Record<string, string>
  /** The query, parsed by the operation's {@link OperationDefinition.query} schema. */
  query: z.output<Query>
  store: Store
  /** Who is calling, as the vendor's `authenticate` returned it (undefined for `auth: false`). */
  principal: Principal
  clock: Clock
  /** The session's model random stream (ids, digests of new records). */
  random: Random
  requestId: string
  /** `<vendor>.<operationId>`. */
  operationId: string
  /** The raw request body ('' when none). */
  bodyText: string
  /** Parses the body as JSON; throws a 400 `MockStatusError` when it is not. */
  readJson(): Promise<unknown>
  /**
   * The vendor's envelope for an error, for outcomes answered later rather than thrown now
   * (Snowflake's async results). Renders through the pipeline's one render step.
   */
  renderError(error: unknown): RenderedError
  /**
   * Set when an `effect.async: "fail"` fault rule fired on this request: the operation answers as
   * usual, and the async work it starts ends in the vendor's error, whose message names the rule.
   */
  failAsync?: { rule: string }
}

/**
 * One vendor operation: its contract identity, the permission it needs and its handler.
 * @typeParam Permission what the vendor's authorizer checks (`null` where the vendor has no
 * per-operation rights): a required field, so an operation cannot silently skip the check.
 */
export interface OperationDefinition<
  Store,
  Principal = undefined,
  Permission = null,
  Query extends QuerySchema = NoQuery,
  Id extends string = string,
> {
  /**
   * The vendor's own operationId, e.g. `listImageRepositories`: kept as its literal type, so the
   * mock's `OperationId` union and each vendor's id tables derive from the definitions.
   */
  id: Id
  method: HttpMethod
  /** OpenAPI path template, served at the same path as the real API. */
  path: string
  summary: string
  /** What the caller must hold; handed to the vendor's `authenticate`. */
  permission: Permission
  /**
   * The query parameters: the one definition that both parses requests (unknown parameters are
   * ignored, as the vendors' gateways do) and documents them in `/__mock/openapi.json`.
   */
  query?: Query
  /** Statuses the contract lists; `Prefer: code=` accepts only these when given. */
  statuses?: readonly number[]
  /** `false` for operations that need no credentials. */
  auth?: boolean
  /**
   * `true` for a read that changes state (Cycle's getJob moves a job on with each poll): it then
   * runs one at a time per session, as every POST, PUT, PATCH and DELETE does.
   */
  writes?: boolean
  /**
   * The async work the operation starts, for `effect.async` fault rules: `what` names it in
   * their errors (`a deletion job, polled with getJob`), and `starts` says whether this request
   * starts it (default: every request does).
   */
  asyncWork?: { what: string; starts?(request: MockRequest): boolean }
  /** What `/__mock/openapi.json` says about the operation beyond its query. */
  docs?: OperationDocs
  handle(ctx: OperationContext<Store, Principal, Query>): Answer | Promise<Answer>
}

/** The published contract of one operation. */
export interface OperationDocs {
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
  /** `<vendor>.<operationId>`, or `<vendor>.unmatched` for unrouted requests. */
  operationId: string
  method: string
  path: string
}

/** What a vendor's authenticate() gets. */
export interface AuthContext<Store, Permission = null> {
  request: MockRequest
  url: URL
  bodyText: string
  /** The body's bytes exactly as sent: what a signature's payload hash covers. */
  bodyBytes: Uint8Array
  store: Store
  clock: Clock
  /** The operation's id and the permission its definition names. */
  operation: { id: string; permission: Permission }
  /**
   * `false` when auth is off (`--auth off`): refuse nothing, but still return who the request
   * acts as (Cycle's hub, for instance).
   */
  enforce: boolean
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

/**
 * Everything the core needs to serve one vendor.
 * @typeParam Name the vendor's name, as operation ids and the journal spell it (`snowflake`).
 * @typeParam Id the union of its operations' ids.
 */
export interface VendorModule<
  Store = unknown,
  Principal = undefined,
  Permission = null,
  Name extends string = string,
  Id extends string = string,
> {
  name: Name
  title: string
  /** Path prefixes the vendor owns: unmatched requests under them get the vendor's 404 / 405. */
  pathPrefixes: readonly string[]
  /** How the vendor's front end matches paths (trailing slash, `//`); default: fold, unrouted. */
  routing?: PathRouting
  requestIdHeader: string
  createRequestId(random: Random): string
  /** A fresh, empty store: an object of `@msw/data` collections only (state export relies on it). */
  createStore(): Store
  // biome-ignore lint/suspicious/noExplicitAny: each operation has its own query schema
  operations: ReadonlyArray<OperationDefinition<Store, Principal, Permission, any, Id>>
  /** Turns any thrown value into the vendor's error envelope (the vendor's one error wrapper). */
  renderError(error: unknown, ctx: ErrorContext): RenderedError
  /** A query parameter's name as the vendor's gateway reads it (default: as sent). */
  queryKey?(name: string): string
  /**
   * A request body, parsed from JSON, as the vendor's gateway reads it into its request message
   * (RHACS: protojson's proto field names as their JSON names); default: as sent. The proxy
   * validates what this returns, so both read a body alike.
   */
  requestMessage?(body: unknown): unknown
  /** The vendor's error for a query its schema refuses (default: its 400 for `invalid-query`). */
  invalidQuery?(issue: QueryIssue): MockError
  /** The vendor's error envelope, for the published contract. */
  errorSchema?: z.ZodType
  /** OpenAPI security schemes the vendor accepts (name → scheme object). */
  securitySchemes?: Record<string, Record<string, unknown>>
  /** `all`: every scheme is needed together (Cycle's token + hub); default `any` of them. */
  securityRequirement?: 'any' | 'all'
  /**
   * Identifies the caller and checks the operation's permission: returns the principal handlers
   * see as `ctx.principal`, or throws the vendor's 401/403.
   */
  authenticate?(ctx: AuthContext<Store, Permission>): Principal | Promise<Principal>
  /**
   * The caller as the vendor names it, for a fault rule's `match.principal` (after
   * `authenticate`; the principal is undefined with `auth: false`); undefined when it names none.
   */
  principalName?(request: MockRequest, principal: Principal | undefined): string | undefined
  /**
   * The rate-limit headers the vendor publishes on its throttling answer, for a quota fault rule
   * (besides `Retry-After`, which every throttling answer carries); none when it publishes none.
   */
  throttleHeaders?(quota: QuotaInfo, request: MockRequest): Record<string, string>
}

/** A quota fault rule at the moment it throttled a request. */
export interface QuotaInfo {
  /** Requests let through per window. */
  limit: number
  /** The window's length, ms. */
  perMs: number
  /** What the count is kept per. */
  by: 'session' | 'principal' | 'operation'
  /** Requests left in this window (0 when throttled). */
  remaining: number
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number
}

/**
 * Keeps the types of a vendor module while listing it: its store, principal and permission, its
 * name and its operations' ids (the literal types {@link OperationIdOf} reads).
 */
export function defineVendor<
  Store,
  const Name extends string,
  const Id extends string,
  Principal = undefined,
  Permission = null,
>(
  vendor: VendorModule<Store, Principal, Permission, Name, Id>,
): VendorModule<Store, Principal, Permission, Name, Id> {
  return vendor
}

/**
 * A vendor's typed `defineOperation`: ties every operation to the vendor's store, principal and
 * permission types, and infers each operation's query type from its schema.
 */
export function operationsFor<Store, Principal = undefined, Permission = null>() {
  return <const Id extends string, Query extends QuerySchema = NoQuery>(
    operation: OperationDefinition<Store, Principal, Permission, Query, Id>,
  ): OperationDefinition<Store, Principal, Permission, Query, Id> => operation
}

/** The ids of a vendor module's operations, as the vendor spells them (`listImageRepositories`). */
export type OperationNameOf<Vendor> =
  // biome-ignore lint/suspicious/noExplicitAny: any store, principal and permission types
  Vendor extends VendorModule<any, any, any, string, infer Id> ? Id : never

/** A vendor module's operations as the mock names them: `<vendor>.<operationId>`. */
export type OperationIdOf<Vendor> =
  // biome-ignore lint/suspicious/noExplicitAny: any store, principal and permission types
  Vendor extends VendorModule<any, any, any, infer Name, infer Id> ? `${Name}.${Id}` : never

/** Any vendor, whatever its store (stores are invariant, so lists need this). */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of vendors
export type AnyVendor = VendorModule<any, any, any>

/** A vendor with this store, whatever its principal and permission types. */
// biome-ignore lint/suspicious/noExplicitAny: any principal and permission types
export type VendorOf<Store> = VendorModule<Store, any, any>

/** Any operation of any vendor. */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of operations
export type AnyOperation = OperationDefinition<any, any, any, any>
