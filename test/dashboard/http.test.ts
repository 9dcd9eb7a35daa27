import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FaultRule } from '../../core/faults.ts'
import { affects } from '../../handlers/control/dashboard/faults.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

const DASHBOARD_DIR = path.resolve(import.meta.dirname, '../../handlers/control/dashboard')
/** The dashboard's sources that run in the browser (the bundler runs in Node). */
const CLIENT_SOURCES = readdirSync(DASHBOARD_DIR)
  .filter((name) => name.endsWith('.ts') && name !== 'bundle.ts')
  .map((name) => ({ name, text: readFileSync(path.join(DASHBOARD_DIR, name), 'utf8') }))

describe.each(TRANSPORTS)('GET /__mock/ serves the dashboard page (%s)', (transport) => {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(transport)
  })
  afterEach(() => h.close())

  it('answers 200 with a complete, labelled HTML page', async () => {
    const response = await h.fetch('/__mock/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await response.text()
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/)
    expect(html).toContain('<title>image-registry-mock dashboard</title>')
    expect(html).toContain('<meta name="viewport"')
    expect(html).toContain('role="status" aria-live="polite"')
    for (const heading of ['Session and scenario', 'Journal', 'Fault switches', 'Fault rules']) {
      expect(html, heading).toMatch(new RegExp(`<h2 id="irm-[a-z]+-heading"[^>]*>${heading}</h2>`))
    }
  })

  it('gives every form control a label', async () => {
    const html = await (await h.fetch('/__mock/')).text()
    const ids = [...html.matchAll(/<(?:input|select)[^>]*\sid="([^"]+)"/g)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(5)
    for (const id of ids) expect(html, `label for #${id}`).toContain(`<label for="${id}"`)
  })

  it('has no inline script or style, so a strict Content-Security-Policy allows it', async () => {
    const html = await (await h.fetch('/__mock/')).text()
    expect(
      [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => m.slice(1)),
    ).toEqual([[' type="module" src="/__mock/dashboard.js"', '']])
    expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="/)
    expect(html).toContain('<link rel="stylesheet" href="/__mock/dashboard.css">')
    expect(html).toContain('<link rel="icon" href="/__mock/favicon.svg" type="image/svg+xml">')
  })

  it('serves the script, stylesheet and icon the page links, never cached stale', async () => {
    for (const [file, type, sample] of [
      ['dashboard.js', 'text/javascript; charset=utf-8', 'X-Mock-Session'],
      ['dashboard.css', 'text/css; charset=utf-8', '.irm'],
      ['favicon.svg', 'image/svg+xml', '<svg'],
    ] as const) {
      const response = await h.fetch(`/__mock/${file}`)
      expect(response.status, file).toBe(200)
      expect(response.headers.get('content-type'), file).toBe(type)
      expect(response.headers.get('cache-control'), file).toBe('no-cache')
      expect(await response.text(), file).toContain(sample)
    }
  })

  it('is not recorded in the journal, and neither are the control calls it makes', async () => {
    for (const file of ['/', '/dashboard.js', '/dashboard.css', '/favicon.svg']) {
      expect((await h.fetch(`/__mock${file}`)).status, file).toBe(200)
    }
    for (const path of ['/health', '/scenarios', '/sessions', '/faults', '/journal?limit=500']) {
      expect((await h.fetch(`/__mock${path}`)).status, path).toBe(200)
    }
    expect(h.mock.journal.size).toBe(0)
  })

  it('is the same page whatever the session header says', async () => {
    const plain = await (await h.fetch('/__mock/')).text()
    const other = await (
      await h.fetch('/__mock/', { headers: { 'X-Mock-Session': 'other' } })
    ).text()
    expect(other).toBe(plain)
  })
})

describe('dashboard sources', () => {
  it('use only the control API, through the X-Mock-Session header', () => {
    const all = CLIENT_SOURCES.map((s) => s.text).join('\n')
    for (const call of ["'/health'", "'/scenarios'", "'/sessions'", "'/faults'", '`/journal?']) {
      expect(all, call).toContain(call)
    }
    expect(all).toContain("'X-Mock-Session': this.session")
    expect(all).not.toMatch(/\/api\/v2|['`]\/v1\/|\/v2\/manage/)
  })

  it('build no code from strings and no DOM from HTML strings at run time', () => {
    for (const { name, text } of CLIENT_SOURCES) {
      expect(text, name).not.toMatch(/new Function|\beval\(|setTimeout\(['"`]/)
      expect(text, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
    }
  })

  it('stay well under 700 lines per file', () => {
    for (const { name, text } of CLIENT_SOURCES) {
      expect(text.split('\n').length, name).toBeLessThan(700)
    }
  })
})

describe('which rules a fault switch lists (affects)', () => {
  const list = {
    id: 'snowflake.listImageRepositories',
    method: 'GET',
    path: '/api/v2/databases/{database}/schemas/{schema}/image-repositories',
  }
  const rule = (match: FaultRule['match']): FaultRule => ({
    id: 'r',
    match,
    effect: { status: 503 },
    matched: 0,
    fired: 0,
  })

  it('matches the operation glob (any case), the method and the path', () => {
    expect(affects(rule({}), list)).toBe(true)
    expect(affects(rule({ operation: '*' }), list)).toBe(true)
    expect(affects(rule({ operation: 'SNOWFLAKE.list*' }), list)).toBe(true)
    expect(affects(rule({ operation: 'snowflake.create*' }), list)).toBe(false)
    expect(affects(rule({ method: 'GET' }), list)).toBe(true)
    expect(affects(rule({ operation: '*', method: 'POST' }), list)).toBe(false)
    expect(affects(rule({ path: '/api/v2/*' }), list)).toBe(true)
    expect(affects(rule({ path: '/v1/*' }), list)).toBe(false)
  })

  it('lets a parameter of the route stand for the concrete segment a path glob names', () => {
    const path = '/api/v2/databases/ML_PLATFORM/schemas/IMAGES/image-repositories'
    expect(affects(rule({ path }), list)).toBe(true)
    expect(affects(rule({ path: `${path}/x` }), list)).toBe(false)
  })
})
