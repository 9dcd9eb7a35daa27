/** A package and the CVEs (with the version that fixes each, `''` for none) it carries. */
export interface PackageDefinition {
  name: string
  version: string
  cves?: ReadonlyArray<readonly [string, string]>
  license?: string
}
