import { z } from 'zod'

/** `storage.SourceType`: where a component was found. */
export const SOURCE_TYPES = [
  'OS',
  'PYTHON',
  'JAVA',
  'RUBY',
  'NODEJS',
  'GO',
  'DOTNETCORERUNTIME',
  'INFRASTRUCTURE',
] as const

/** `storage.VulnerabilityState`. */
export const VULNERABILITY_STATES = ['OBSERVED', 'DEFERRED', 'FALSE_POSITIVE'] as const

/** `storage.VulnerabilitySeverity`, in ascending order. */
export const VULNERABILITY_SEVERITIES = [
  'UNKNOWN_VULNERABILITY_SEVERITY',
  'LOW_VULNERABILITY_SEVERITY',
  'MODERATE_VULNERABILITY_SEVERITY',
  'IMPORTANT_VULNERABILITY_SEVERITY',
  'CRITICAL_VULNERABILITY_SEVERITY',
] as const

/** `storage.Image.Note`. */
export const IMAGE_NOTES = [
  'MISSING_METADATA',
  'MISSING_SCAN_DATA',
  'MISSING_SIGNATURE',
  'MISSING_SIGNATURE_VERIFICATION_DATA',
] as const

/** `storage.ImageScan.Note`. */
export const SCAN_NOTES = [
  'UNSET',
  'OS_UNAVAILABLE',
  'PARTIAL_SCAN_DATA',
  'OS_CVES_UNAVAILABLE',
  'OS_CVES_STALE',
  'LANGUAGE_CVES_UNAVAILABLE',
  'CERTIFIED_RHEL_SCAN_UNAVAILABLE',
] as const

/** `storage.VulnOrigin`. */
export const VULN_ORIGINS = [
  'VULN_ORIGIN_OTHER',
  'VULN_ORIGIN_OSV',
  'VULN_ORIGIN_ALPINE',
  'VULN_ORIGIN_AMAZON',
  'VULN_ORIGIN_DEBIAN',
  'VULN_ORIGIN_ORACLE',
  'VULN_ORIGIN_PHOTON',
  'VULN_ORIGIN_RED_HAT',
  'VULN_ORIGIN_SUSE',
  'VULN_ORIGIN_UBUNTU',
] as const

/** Access levels of a StackRox permission set. */
export const ACCESS_LEVELS = ['NO_ACCESS', 'READ_ACCESS', 'READ_WRITE_ACCESS'] as const

/** A protojson timestamp (`2026-02-11T13:04:05.120Z`), or `null` when unset. */
const timestamp = z.string().nullable()

/** `storage.ImageName`. */
export const imageNameSchema = z.object({
  registry: z.string(),
  remote: z.string(),
  tag: z.string(),
  fullName: z.string(),
})

/** `storage.DataSource`: the integration that produced metadata or a scan. */
export const dataSourceSchema = z.object({ id: z.string(), name: z.string(), mirror: z.string() })

const imageLayerSchema = z.object({
  instruction: z.string(),
  value: z.string(),
  created: timestamp,
  author: z.string(),
  empty: z.boolean(),
})

/** `storage.ImageMetadata` with its V1 (config) and V2 (manifest) parts. */
export const imageMetadataSchema = z.object({
  v1: z
    .object({
      digest: z.string(),
      created: timestamp,
      author: z.string(),
      layers: z.array(imageLayerSchema),
      user: z.string(),
      command: z.array(z.string()),
      entrypoint: z.array(z.string()),
      volumes: z.array(z.string()),
      labels: z.record(z.string(), z.string()),
    })
    .nullable(),
  v2: z.object({ digest: z.string() }).nullable(),
  layerShas: z.array(z.string()),
  dataSource: dataSourceSchema.nullable(),
  version: z.number().int().nonnegative(),
})

/**
 * One finding of a CVE in a component. CVE-wide facts (CVSS, summary, dates, EPSS) live once in
 * the `cves` collection; a finding keeps what is specific to this image. Fields that are usually
 * unset may be left out (state `OBSERVED`, not suppressed, no suppression window, no fix date),
 * which keeps 10,000-image stores quick to fill.
 */
export const storedVulnerabilitySchema = z.object({
  cve: z.string(),
  /** Version that fixes it; `''` when there is no fix. */
  fixedBy: z.string(),
  state: z.enum(VULNERABILITY_STATES).optional(),
  suppressed: z.boolean().optional(),
  suppressActivation: timestamp.optional(),
  suppressExpiry: timestamp.optional(),
  firstSystemOccurrence: timestamp,
  firstImageOccurrence: timestamp,
  fixAvailableTimestamp: timestamp.optional(),
})

/** `storage.EmbeddedImageScanComponent` minus what is derived (priority, risk, top CVSS). */
export const storedComponentSchema = z.object({
  name: z.string(),
  version: z.string(),
  license: z.object({ name: z.string(), type: z.string(), url: z.string() }).nullable().optional(),
  vulns: z.array(storedVulnerabilitySchema),
  layerIndex: z.number().int().nullable(),
  source: z.enum(SOURCE_TYPES),
  location: z.string(),
  fixedBy: z.string(),
  architecture: z.string(),
})

/** `storage.ImageScan`. */
export const imageScanSchema = z.object({
  scannerVersion: z.string(),
  scanTime: timestamp,
  components: z.array(storedComponentSchema),
  operatingSystem: z.string(),
  dataSource: dataSourceSchema.nullable(),
  notes: z.array(z.enum(SCAN_NOTES)),
  /** uint64 as a decimal string; `null` leaves the `hash` oneof unset. */
  hash: z.string().nullable(),
})

const cosignSignatureSchema = z.object({
  rawSignature: z.string(),
  signaturePayload: z.string(),
  certPem: z.string(),
  certChainPem: z.string(),
  rekorBundle: z.string(),
  signatureFormat: z.enum([
    'SIGNATURE_FORMAT_UNSPECIFIED',
    'SIMPLE_SIGNING',
    'DEAD_SIMPLE_SIGNING_ENVELOPE',
  ]),
  sigstoreBundle: z.string(),
})

/** Where a deployment runs an image: what `Cluster`, `Namespace` and `Deployment` search. */
export const imageDeploymentSchema = z.object({
  cluster: z.string(),
  clusterId: z.string(),
  namespace: z.string(),
  namespaceId: z.string(),
  name: z.string(),
})

/**
 * A stored `storage.Image`. Counts, top CVSS and the risk priority are derived when the image is
 * read, as Central derives them from the scan and the risk ranker.
 * @note `deployments` is mock-only: Central keeps deployments in their own store and joins them in
 * search; here they ride along so `Cluster:`/`Namespace:` queries work. It is never serialized.
 */
export const imageRecordSchema = z.object({
  id: z.string(),
  name: imageNameSchema.nullable(),
  names: z.array(imageNameSchema),
  metadata: imageMetadataSchema.nullable(),
  scan: imageScanSchema.nullable(),
  signatureVerificationData: z
    .object({
      results: z.array(
        z.object({
          verificationTime: timestamp,
          verifierId: z.string(),
          status: z.enum([
            'UNSET',
            'VERIFIED',
            'FAILED_VERIFICATION',
            'INVALID_SIGNATURE_ALGO',
            'CORRUPTED_SIGNATURE',
            'GENERIC_ERROR',
          ]),
          description: z.string(),
          verifiedImageReferences: z.array(z.string()),
          verifierName: z.string(),
        }),
      ),
    })
    .nullable(),
  signature: z
    .object({
      signatures: z.array(z.object({ cosign: cosignSignatureSchema })),
      fetched: timestamp,
    })
    .nullable(),
  lastUpdated: timestamp,
  notPullable: z.boolean(),
  isClusterLocal: z.boolean(),
  riskScore: z.number(),
  notes: z.array(z.enum(IMAGE_NOTES)),
  baseImageInfo: z.array(
    z.object({
      baseImageId: z.string(),
      baseImageFullName: z.string(),
      baseImageDigest: z.string(),
      created: timestamp,
      maxLayerIndex: z.number().int(),
    }),
  ),
  deployments: z.array(imageDeploymentSchema),
})

const cvssV3Schema = z.object({
  vector: z.string(),
  exploitabilityScore: z.number(),
  impactScore: z.number(),
  attackVector: z.string(),
  attackComplexity: z.string(),
  privilegesRequired: z.string(),
  userInteraction: z.string(),
  scope: z.string(),
  confidentiality: z.string(),
  integrity: z.string(),
  availability: z.string(),
  score: z.number(),
  severity: z.string(),
})

const cvssV2Schema = z.object({
  vector: z.string(),
  attackVector: z.string(),
  accessComplexity: z.string(),
  authentication: z.string(),
  confidentiality: z.string(),
  integrity: z.string(),
  availability: z.string(),
  exploitabilityScore: z.number(),
  impactScore: z.number(),
  score: z.number(),
  severity: z.string(),
})

/** A CVE of the vulnerability feed: the facts every finding of it shares. */
export const cveRecordSchema = z.object({
  cve: z.string(),
  summary: z.string(),
  link: z.string(),
  cvss: z.number(),
  severity: z.enum(VULNERABILITY_SEVERITIES),
  scoreVersion: z.enum(['V2', 'V3']),
  cvssV2: cvssV2Schema.nullable(),
  cvssV3: cvssV3Schema.nullable(),
  publishedOn: timestamp,
  lastModified: timestamp,
  epss: z.object({ epssProbability: z.number(), epssPercentile: z.number() }).nullable(),
  cisaKev: z.boolean(),
  exploit: z
    .object({
      dateAdded: z.string(),
      shortDescription: z.string(),
      requiredAction: z.string(),
      dueDate: z.string(),
      knownRansomwareCampaignUse: z.string(),
    })
    .nullable(),
})

/** `storage.WatchedImage`. */
export const watchedImageSchema = z.object({ name: z.string() })

/** A secured cluster and its namespaces: ScanImage's `cluster` is checked against these. */
export const clusterSchema = z.object({
  id: z.string(),
  name: z.string(),
  namespaces: z.array(z.object({ id: z.string(), name: z.string() })),
})

/** An image integration: the `dataSource` of metadata pulled from its registry. */
export const integrationSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  /** Registry host it serves; `''` for the scanner. */
  registry: z.string(),
  /** `registry` pulls metadata, `scanner` produces scans. */
  category: z.enum(['registry', 'scanner']),
})

/**
 * A credential with narrower rights than the default "any credential is Admin". `kind` is
 * `token` (secret = API token) or `basic` (secret = `username:password`).
 */
export const credentialSchema = z.object({
  kind: z.enum(['token', 'basic']),
  secret: z.string(),
  role: z.string(),
  /** Access to the `Image` resource. */
  image: z.enum(ACCESS_LEVELS),
  /** Access to the `WatchedImage` resource. */
  watchedImage: z.enum(ACCESS_LEVELS),
})

export type ImageName = z.infer<typeof imageNameSchema>
export type ImageRecord = z.infer<typeof imageRecordSchema>
export type ImageScan = z.infer<typeof imageScanSchema>
export type ImageMetadata = z.infer<typeof imageMetadataSchema>
export type StoredComponent = z.infer<typeof storedComponentSchema>
export type StoredVulnerability = z.infer<typeof storedVulnerabilitySchema>
export type CveRecord = z.infer<typeof cveRecordSchema>
export type DataSource = z.infer<typeof dataSourceSchema>
export type ImageDeployment = z.infer<typeof imageDeploymentSchema>
export type Cluster = z.infer<typeof clusterSchema>
export type Integration = z.infer<typeof integrationSchema>
export type Credential = z.infer<typeof credentialSchema>
export type SourceType = (typeof SOURCE_TYPES)[number]
export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number]
export type AccessLevel = (typeof ACCESS_LEVELS)[number]

// ---------------------------------------------------------------------------------------------
// Wire shapes: what the REST gateway sends, for the published OpenAPI and for checking encoders.
// Unset messages and timestamps are `null`; oneof fields are optional; 64-bit integers are strings.

const wireTime = z.string().nullable().describe('RFC 3339 timestamp in UTC, or null when unset')
const int64 = z
  .string()
  .regex(/^-?\d+$/)
  .describe('64-bit integer as a decimal string')
const nullableName = imageNameSchema.strict().nullable()

const cvssV3Wire = cvssV3Schema.strict()
const cvssV2Wire = cvssV2Schema.strict()

const vulnerabilityWireSchema = z.strictObject({
  cve: z.string(),
  advisory: z.strictObject({ name: z.string(), link: z.string() }).nullable(),
  cvss: z.number(),
  summary: z.string(),
  link: z.string(),
  fixedBy: z.string().optional(),
  scoreVersion: z.enum(['V2', 'V3']),
  cvssV2: cvssV2Wire.nullable(),
  cvssV3: cvssV3Wire.nullable(),
  publishedOn: wireTime,
  lastModified: wireTime,
  vulnerabilityType: z.string(),
  vulnerabilityTypes: z.array(z.string()),
  suppressed: z.boolean(),
  suppressActivation: wireTime,
  suppressExpiry: wireTime,
  firstSystemOccurrence: wireTime,
  firstImageOccurrence: wireTime,
  fixAvailableTimestamp: wireTime,
  severity: z.enum(VULNERABILITY_SEVERITIES),
  state: z.enum(VULNERABILITY_STATES),
  cvssMetrics: z.array(
    z.strictObject({
      source: z.enum(['SOURCE_UNKNOWN', 'SOURCE_RED_HAT', 'SOURCE_OSV', 'SOURCE_NVD']),
      url: z.string(),
      cvssv2: cvssV2Wire.nullable(),
      cvssv3: cvssV3Wire.nullable(),
    }),
  ),
  nvdCvss: z.number(),
  epss: z.strictObject({ epssProbability: z.number(), epssPercentile: z.number() }).nullable(),
  datasource: z.string(),
  exploit: cveRecordSchema.shape.exploit,
  cisaKev: z.boolean(),
  origin: z.enum(VULN_ORIGINS),
})

const componentWireSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  license: z.strictObject({ name: z.string(), type: z.string(), url: z.string() }).nullable(),
  vulns: z.array(vulnerabilityWireSchema),
  layerIndex: z.number().int().optional(),
  priority: int64,
  source: z.enum(SOURCE_TYPES),
  location: z.string(),
  topCvss: z.number().optional(),
  riskScore: z.number(),
  fixedBy: z.string(),
  executables: z.array(z.strictObject({ path: z.string(), dependencies: z.array(z.string()) })),
  architecture: z.string(),
})

/** `storage.Image` on the wire (GetImage, ScanImage, each ExportImages line). */
export const imageWireSchema = z.strictObject({
  id: z.string().describe('The image digest, `sha256:…`'),
  name: nullableName,
  names: z.array(imageNameSchema.strict()),
  metadata: z
    .strictObject({
      v1: imageMetadataSchema.shape.v1.unwrap().strict().nullable(),
      v2: z.strictObject({ digest: z.string() }).nullable(),
      layerShas: z.array(z.string()),
      dataSource: dataSourceSchema.strict().nullable(),
      version: int64,
    })
    .nullable(),
  scan: z
    .strictObject({
      scannerVersion: z.string(),
      scanTime: wireTime,
      components: z.array(componentWireSchema),
      operatingSystem: z.string(),
      dataSource: dataSourceSchema.strict().nullable(),
      notes: z.array(z.enum(SCAN_NOTES)),
      hash: int64.optional(),
    })
    .nullable(),
  signatureVerificationData: imageRecordSchema.shape.signatureVerificationData,
  signature: imageRecordSchema.shape.signature,
  components: z.number().int().optional().describe('Set when the image has a scan'),
  cves: z.number().int().optional().describe('Distinct CVEs; set when the image has a scan'),
  fixableCves: z.number().int().optional(),
  lastUpdated: wireTime,
  notPullable: z.boolean(),
  isClusterLocal: z.boolean(),
  priority: int64.describe('Risk priority, 1 = riskiest'),
  riskScore: z.number(),
  topCvss: z.number().optional(),
  notes: z.array(z.enum(IMAGE_NOTES)),
  baseImageInfo: z.array(imageRecordSchema.shape.baseImageInfo.element.strict()),
})

/** `storage.ListImage`: ListImages' projection. */
export const listImageWireSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  components: z.number().int().optional(),
  cves: z.number().int().optional(),
  fixableCves: z.number().int().optional(),
  created: wireTime,
  lastUpdated: wireTime,
  priority: int64,
})

/** `google.rpc.Status` inside a stream error line. */
export const rpcStatusWireSchema = z.strictObject({
  code: z.number().int().describe('gRPC status code'),
  message: z.string(),
  details: z.array(z.object({ '@type': z.string() }).passthrough()),
})

/** StackRox's `ExtendedRpcStatus`: the error body of every unary call. */
export const rhacsErrorWireSchema = z.strictObject({
  ...rpcStatusWireSchema.shape,
  error: z.string().describe('The same text as `message`, for gRPC-Gateway v1 clients'),
})

/** One line of the ExportImages stream: a result or, last, an error. */
export const exportLineWireSchema = z.union([
  z.strictObject({ result: z.strictObject({ image: imageWireSchema }) }),
  z.strictObject({ error: rpcStatusWireSchema }),
])
