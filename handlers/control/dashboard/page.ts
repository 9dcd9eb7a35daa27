import { CONTROL_BASE } from './api.ts'
import { DASHBOARD_MARKUP } from './markup.ts'

/**
 * The page at `GET /__mock/`: markup plus links to its stylesheet, script and icon, all served by
 * the control API. No inline script or style, so a strict Content-Security-Policy
 * (`default-src 'self'`) allows it.
 */
export function dashboardHtml(): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>image-registry-mock dashboard</title>',
    `<link rel="icon" href="${CONTROL_BASE}/favicon.svg" type="image/svg+xml">`,
    `<link rel="stylesheet" href="${CONTROL_BASE}/dashboard.css">`,
    `<script type="module" src="${CONTROL_BASE}/dashboard.js"></script>`,
    '</head>',
    '<body>',
    DASHBOARD_MARKUP,
    '</body>',
    '</html>',
  ].join('\n')
}

/** The page's icon: a tiny SVG, so browsers do not ask for a missing `/favicon.ico`. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0969da"/><path d="M4 4h8v2H4zm0 3h8v2H4zm0 3h5v2H4z" fill="#fff"/></svg>'
