import type { SourceType } from '../records.ts'
import type { PackageDefinition } from './package-definition.ts'

/** A language ecosystem: its component source and where its packages sit in the image. */
export interface LanguageProfile {
  source: SourceType
  location: (pkg: PackageDefinition) => string
  install: string
  packages: readonly PackageDefinition[]
}

/** Language ecosystems by key. */
export const LANGUAGE_PROFILES = {
  node: {
    source: 'NODEJS',
    location: (p) => `/usr/src/app/node_modules/${p.name}/package.json`,
    install: '/bin/sh -c npm ci --omit=dev',
    packages: [
      { name: 'express', version: '4.18.2', cves: [['CVE-2024-29041', '4.19.2']], license: 'MIT' },
      { name: 'body-parser', version: '1.20.1', cves: [['CVE-2024-45590', '1.20.3']] },
      { name: 'qs', version: '6.10.1', cves: [['CVE-2022-24999', '6.10.3']] },
      { name: 'semver', version: '7.5.1', cves: [['CVE-2022-25883', '7.5.2']] },
      { name: 'braces', version: '3.0.2', cves: [['CVE-2024-4068', '3.0.3']] },
      { name: 'tough-cookie', version: '4.1.2', cves: [['CVE-2023-26136', '4.1.3']] },
      { name: 'ws', version: '8.13.0', cves: [['CVE-2024-37890', '8.17.1']] },
      { name: 'lodash', version: '4.17.21', license: 'MIT' },
    ],
  },
  python: {
    source: 'PYTHON',
    location: (p) =>
      `/usr/local/lib/python3.12/site-packages/${p.name}-${p.version}.dist-info/METADATA`,
    install: '/bin/sh -c pip install --no-cache-dir -r requirements.txt',
    packages: [
      { name: 'requests', version: '2.31.0', cves: [['CVE-2024-35195', '2.32.0']] },
      {
        name: 'urllib3',
        version: '2.0.4',
        cves: [
          ['CVE-2023-43804', '2.0.6'],
          ['CVE-2023-45803', '2.0.7'],
        ],
      },
      { name: 'certifi', version: '2023.5.7', cves: [['CVE-2023-37920', '2023.7.22']] },
      {
        name: 'setuptools',
        version: '65.5.0',
        cves: [
          ['CVE-2022-40897', '65.5.1'],
          ['CVE-2024-6345', '70.0.0'],
        ],
      },
      { name: 'pip', version: '23.0.1', cves: [['CVE-2023-5752', '23.3']] },
      { name: 'jinja2', version: '3.1.2', cves: [['CVE-2024-22195', '3.1.3']] },
      { name: 'werkzeug', version: '2.3.6', cves: [['CVE-2023-46136', '2.3.8']] },
      { name: 'flask', version: '2.3.2' },
      { name: 'numpy', version: '1.26.3' },
    ],
  },
  java: {
    source: 'JAVA',
    location: (p) => `/opt/app/lib/${p.name}-${p.version}.jar`,
    install: 'COPY target/lib /opt/app/lib',
    packages: [
      { name: 'spring-web', version: '5.3.31', cves: [['CVE-2024-22262', '5.3.34']] },
      { name: 'jackson-databind', version: '2.13.3', cves: [['CVE-2022-42003', '2.13.4.2']] },
      { name: 'snakeyaml', version: '1.33', cves: [['CVE-2022-1471', '2.0']] },
      {
        name: 'netty-codec-http2',
        version: '4.1.94.Final',
        cves: [['CVE-2023-44487', '4.1.100.Final']],
      },
      { name: 'tomcat-embed-core', version: '9.0.75', cves: [['CVE-2023-44487', '9.0.81']] },
      { name: 'spring-beans', version: '5.3.17', cves: [['CVE-2022-22965', '5.3.18']] },
      { name: 'log4j-core', version: '2.14.1', cves: [['CVE-2021-44228', '2.15.0']] },
    ],
  },
  go: {
    source: 'GO',
    location: () => '/usr/local/bin/app',
    install: 'COPY /workspace/bin/app /usr/local/bin/app',
    packages: [
      {
        name: 'stdlib',
        version: 'go1.21.1',
        cves: [
          ['CVE-2023-39325', '1.21.3'],
          ['CVE-2024-24790', '1.21.11'],
          ['CVE-2023-45288', '1.21.9'],
        ],
      },
      {
        name: 'golang.org/x/net',
        version: 'v0.15.0',
        cves: [
          ['CVE-2023-44487', '0.17.0'],
          ['CVE-2023-45288', '0.23.0'],
        ],
      },
      { name: 'google.golang.org/grpc', version: 'v1.58.2', cves: [['CVE-2023-44487', '1.58.3']] },
      { name: 'golang.org/x/crypto', version: 'v0.14.0', cves: [['CVE-2023-48795', '0.17.0']] },
      { name: 'github.com/prometheus/client_golang', version: 'v1.17.0' },
      { name: 'k8s.io/client-go', version: 'v0.28.2' },
    ],
  },
} as const satisfies Record<string, LanguageProfile>

export type LanguageKey = keyof typeof LANGUAGE_PROFILES
