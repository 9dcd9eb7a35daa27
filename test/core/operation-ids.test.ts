import { describe, expect, it } from 'vitest'
import { createMock, type OperationId } from '../../index.ts'

// Every OperationId exactly once: a missing or unknown key is a compile error (tsc runs in npm test).
const TYPED: Record<OperationId, true> = {
  'snowflake.listImageRepositories': true,
  'snowflake.createImageRepository': true,
  'snowflake.fetchImageRepository': true,
  'snowflake.deleteImageRepository': true,
  'snowflake.listImagesInRepository': true,
  'snowflake.setTags': true,
  'snowflake.unsetTags': true,
  'snowflake.getTags': true,
  'snowflake.fetchResult': true,
  'snowflake.listDatabases': true,
  'snowflake.createDatabase': true,
  'snowflake.fetchDatabase': true,
  'snowflake.deleteDatabase': true,
  'snowflake.undropDatabase': true,
  'snowflake.listSchemas': true,
  'snowflake.createSchema': true,
  'snowflake.fetchSchema': true,
  'snowflake.deleteSchema': true,
  'snowflake.undropSchema': true,
  'cycle.getImageSources': true,
  'cycle.createImageSource': true,
  'cycle.getImageSource': true,
  'cycle.updateImageSource': true,
  'cycle.deleteImageSource': true,
  'cycle.updateImageSourceAccess': true,
  'cycle.getJob': true,
  'rhacs.ImageService_ListImages': true,
  'rhacs.ImageService_CountImages': true,
  'rhacs.ImageService_DeleteImages': true,
  'rhacs.ImageService_GetImage': true,
  'rhacs.ImageService_ExportImages': true,
  'rhacs.ImageService_ScanImage': true,
  'rhacs.ImageService_InvalidateScanAndRegistryCaches': true,
  'rhacs.ImageService_GetWatchedImages': true,
  'rhacs.ImageService_WatchImage': true,
  'rhacs.ImageService_UnwatchImage': true,
  'swr.ListSharedReposDetails': true,
}

describe('the OperationId type', () => {
  it('names exactly the operations the mock serves', () => {
    const served = createMock().operationIds
    expect([...Object.keys(TYPED)].sort()).toEqual([...served].sort())
  })
})
