import { ControlApi, type JournalEntry, type JournalPage } from './api.ts'
import { Ui } from './dom.ts'
import { DASHBOARD_CSS } from './style.ts'
import { TIMELINE_MARKUP, TimelineView } from './timeline.ts'

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
  // `.irm` scopes the styles; the status region is where the timeline reports a failed poll.
  shadow.innerHTML = `<div class="irm bare">${TIMELINE_MARKUP}<p id="irm-announce" role="status"></p></div>`
  const ui = new Ui(shadow)
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
