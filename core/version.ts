/** The package version, reported by `/__mock/health`. */
export const VERSION = '0.1.0'
