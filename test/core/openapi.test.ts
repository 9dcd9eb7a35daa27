import { createConfig, lintFromString } from '@redocly/openapi-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

describe.each(TRANSPORTS)('GET /__mock/openapi.json (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('describes every operation the mock serves and the control API', async () => {
    const response = await h.fetch('/__mock/openapi.json')
    expect(response.status).toBe(200)
    const doc = await response.json()
    expect(doc.openapi).toBe('3.1.0')
    const ids = Object.values(
      doc.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap((item) => Object.values(item).map((op) => op.operationId))
    const { operations } = await (await h.fetch('/__mock/health')).json()
    for (const op of operations as Array<{ id: string }>) expect(ids).toContain(op.id)
    for (const control of [
      'control.health',
      'control.reset',
      'control.addFaults',
      'control.journal',
      'control.importState',
      'control.clock',
    ]) {
      expect(ids).toContain(control)
    }
    const create =
      doc.paths['/api/v2/databases/{database}/schemas/{schema}/image-repositories'].post
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name'])
    expect(
      create.parameters.find((p: { name: string }) => p.name === 'createMode').schema.enum,
    ).toEqual(['errorIfExists', 'orReplace', 'ifNotExists'])
    expect(create.responses['409'].content['application/json'].schema.required).toEqual([
      'message',
      'code',
      'error_code',
      'request_id',
    ])
  })

  it('passes redocly lint with the recommended rules, without errors', async () => {
    const text = await (await h.fetch('/__mock/openapi.json')).text()
    const config = await createConfig({ extends: ['recommended'] })
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config })
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)
    expect(errors).toEqual([])
  })
})
