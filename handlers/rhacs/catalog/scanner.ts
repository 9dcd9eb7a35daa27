/** The scanner integration that produced every scan. */
export const SCANNER_DATA_SOURCE = {
  id: 'a87471e6-9678-4e66-8348-91e302b6de07',
  name: 'Scanner V4',
  mirror: '',
} as const

/** Scanner V4's version string in scans. */
export const SCANNER_VERSION = '4.5.2'
