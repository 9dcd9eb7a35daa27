import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dashboardParts } from '../../handlers/control/dashboard.ts'
import { type Harness, startHarness, TRANSPORTS } from '../support/harness.ts'

/** The control API paths the dashboard script calls. */
const CONTROL_PATHS = ['/health', '/scenarios', '/sessions', '/faults', '/journal?', '/reset']

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

  it('ships one inline script that parses and needs no build step or other file', async () => {
    const html = await (await h.fetch('/__mock/')).text()
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts).toHaveLength(1)
    expect(scripts[0]?.[1], 'inline, not src=').toBe('')
    expect(
      () => new Function(scripts[0]?.[2] ?? ''),
      'the script is valid JavaScript',
    ).not.toThrow()
    expect(html).not.toMatch(/<link |src="|href="http/)
  })

  it('is not recorded in the journal, and neither are the control calls it makes', async () => {
    await h.fetch('/__mock/')
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

describe('dashboard parts', () => {
  it('use only the control API, through the X-Mock-Session header', () => {
    const { script } = dashboardParts()
    for (const path of CONTROL_PATHS) expect(script, path).toContain(`'${path}`)
    expect(script).toContain("'X-Mock-Session': st.session")
    expect(script).not.toMatch(/\/api\/v2|\/v1\/|\/v2\/manage/)
  })

  it('build the page from data with DOM methods, never innerHTML', () => {
    const { script } = dashboardParts()
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })

  it('run as a function of (root, options) that returns stop()', () => {
    const { script } = dashboardParts()
    expect(() => new Function('root', 'options', script)).not.toThrow()
    expect(script.trimEnd()).toMatch(/return \{ stop: function \(\) \{[^}]*\} \};$/)
  })
})
