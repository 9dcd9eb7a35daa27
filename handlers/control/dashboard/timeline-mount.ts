import { ControlApi, type JournalEntry, type JournalPage } from './api.ts'
import { Ui } from './dom.ts'
import { DASHBOARD_CSS } from './style.ts'
import { TIMELINE_LABEL, TimelineView } from './timeline.ts'

/** Settings of {@link mountTimeline}; all optional. */
export interface TimelineOptions {
  /** Where the control API lives: `/__mock` (default) or the standalone server's `<origin>/__mock`. */
  base?: string
  /** The session drawn (default `default`). */
  session?: string
  /** How often the journal is polled, in ms (default 500). */
  pollMs?: number
}

/**
 * Draws the dashboard's live timeline alone into `container` (inside a shadow root, styled as
 * the dashboard): for an app that shows its own requests beside its UI, as the example does.
 * Polls `GET /journal?afterId=` and, after a failure, `GET /retries`; `stop()` ends that.
 */
export function mountTimeline(container: Element, options: TimelineOptions = {}): { stop(): void } {
  const shadow = container.shadowRoot ?? container.attachShadow({ mode: 'open' })
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(DASHBOARD_CSS)
  shadow.adoptedStyleSheets = [sheet]
  const ui = new Ui(shadow)
  // Built with DOM methods (no HTML strings at run time): `.irm` scopes the styles, and the
  // status region is where the timeline reports a failed poll.
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
  svg.id = 'irm-timeline'
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', TIMELINE_LABEL)
  const key = (cls: string, text: string) => ui.el('span', { class: `key ${cls}`, text })
  shadow.replaceChildren(
    ui.el('div', { class: 'irm bare' }, [
      ui.el('p', { class: 'muted' }, [
        key('ok', '2xx'),
        ' ',
        key('client', '4xx'),
        ' ',
        key('server', '5xx'),
        ' ',
        key('network', 'dropped'),
        '; ▲ a fault rule answered; a dashed bar is the wait Retry-After asked for.',
      ]),
      ui.el('div', { id: 'irm-timeline-box', class: 'timeline-box' }, [svg]),
      ui.el('p', { id: 'irm-timeline-empty', class: 'muted', text: 'No requests yet.' }),
      ui.el('p', { id: 'irm-announce', role: 'status' }),
    ]),
  )
  const api = new ControlApi(options.session ?? 'default', options.base)
  const view = new TimelineView(ui, api)
  let lastId = 0
  let size = 0
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const poll = async () => {
    try {
      const page = await api.call<JournalPage>('GET', `/journal?afterId=${lastId}&limit=500`)
      // A smaller journal was cleared (a reset): start over.
      if (page.size < size) {
        lastId = 0
        view.clear()
      }
      size = page.size
      const added: JournalEntry[] = page.entries.filter((e) => e.id > lastId)
      lastId = Math.max(lastId, ...added.map((e) => e.id))
      await view.add(added)
      ui.announce('')
    } catch (error) {
      ui.announce(`Timeline: ${(error as Error).message}`, true)
    }
    if (!stopped) timer = setTimeout(poll, options.pollMs ?? 500)
  }
  view.render()
  void poll()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
      shadow.replaceChildren()
    },
  }
}
