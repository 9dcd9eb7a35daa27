/** The dashboard page served at `/__mock/` (placeholder until the dashboard lands). */
export function dashboardHtml(): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>image-registry-mock</title></head><body><h1>image-registry-mock</h1></body></html>'
}
