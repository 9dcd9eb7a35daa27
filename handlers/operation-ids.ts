/**
 * Types of the operation ids the mock serves, for fault rules, journal queries and matchers.
 * @note The vendor modules define their operations at run time (`defineOperation` keeps no literal
 * ids), so this union is written out; test/core/operation-ids.test.ts fails when it and the
 * served operations differ in either direction.
 */

/** The vendors, as operation ids and journal entries name them. */
export type VendorName = 'snowflake' | 'cycle' | 'rhacs' | 'swr'

/** Every operation the mock serves, as `<vendor>.<operationId>` (the vendor's own operationId). */
export type OperationId =
  | 'snowflake.listImageRepositories'
  | 'snowflake.createImageRepository'
  | 'snowflake.fetchImageRepository'
  | 'snowflake.deleteImageRepository'
  | 'snowflake.listImagesInRepository'
  | 'snowflake.setTags'
  | 'snowflake.unsetTags'
  | 'snowflake.getTags'
  | 'snowflake.fetchResult'
  | 'snowflake.listDatabases'
  | 'snowflake.createDatabase'
  | 'snowflake.fetchDatabase'
  | 'snowflake.deleteDatabase'
  | 'snowflake.undropDatabase'
  | 'snowflake.listSchemas'
  | 'snowflake.createSchema'
  | 'snowflake.fetchSchema'
  | 'snowflake.deleteSchema'
  | 'snowflake.undropSchema'
  | 'cycle.getImageSources'
  | 'cycle.createImageSource'
  | 'cycle.getImageSource'
  | 'cycle.updateImageSource'
  | 'cycle.deleteImageSource'
  | 'cycle.updateImageSourceAccess'
  | 'cycle.getJob'
  | 'rhacs.ImageService_ListImages'
  | 'rhacs.ImageService_CountImages'
  | 'rhacs.ImageService_DeleteImages'
  | 'rhacs.ImageService_GetImage'
  | 'rhacs.ImageService_ExportImages'
  | 'rhacs.ImageService_ScanImage'
  | 'rhacs.ImageService_InvalidateScanAndRegistryCaches'
  | 'rhacs.ImageService_GetWatchedImages'
  | 'rhacs.ImageService_WatchImage'
  | 'rhacs.ImageService_UnwatchImage'
  | 'swr.ListSharedReposDetails'

type Wildcard = '*' | '?'

/**
 * An operation id or a glob over them (`*` any run of characters, `?` one): `snowflake.*`,
 * `*.create*`, `cycle.get?mageSource`, `*`. Exact ids must be real ones, so a misspelt id does
 * not compile; a glob starts with a wildcard or a vendor name. Globs are checked at run time too:
 * one that matches no operation is refused.
 */
export type OperationPattern =
  | OperationId
  | `${VendorName}${string}${Wildcard}${string}`
  | `${Wildcard}${string}`

/**
 * What a journal query or matcher takes: an {@link OperationPattern}, or `<vendor>.unmatched`, the
 * id the journal gives requests under a vendor's paths that no operation serves (its 404 / 405).
 */
export type JournalOperationPattern = OperationPattern | `${VendorName}.unmatched`
