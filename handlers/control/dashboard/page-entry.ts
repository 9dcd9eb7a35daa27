/**
 * The script of the page served at `GET /__mock/` (bundled into `/__mock/dashboard.js`):
 * `?session=NAME` opens the page on a session, `?poll=MS` polls faster; showing another session
 * updates `?session=` so a reload or a shared link stays on it.
 */
import { startDashboard } from './app.ts'

const params = new URLSearchParams(location.search)
const poll = Number(params.get('poll'))

startDashboard(document, {
  session: params.get('session') || undefined,
  pollMs: poll > 0 ? poll : undefined,
  onSessionChange(session) {
    const url = new URL(location.href)
    url.searchParams.set('session', session)
    history.replaceState(history.state, '', url)
  },
})
