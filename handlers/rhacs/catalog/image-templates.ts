import type { LanguageKey } from './language-profiles.ts'
import type { OsKey } from './os-profiles.ts'

/** An image a cluster typically runs: where it comes from and what is inside. */
export interface ImageTemplate {
  registry: string
  remote: string
  tag: string
  /** Other tags pointing at the same digest. */
  aliases?: readonly string[]
  os: OsKey
  /** Optional OS packages this image installs. */
  osExtras?: readonly string[]
  /** Language packages, by ecosystem; `'all'` takes the whole ecosystem. */
  languages?: Partial<Record<LanguageKey, readonly string[] | 'all'>>
  entrypoint?: readonly string[]
  command?: readonly string[]
  user?: string
  volumes?: readonly string[]
  labels?: Record<string, string>
  author?: string
}

/** The mock's private registry, with a port, as self-hosted registries often have. */
export const PRIVATE_REGISTRY = 'registry.acme.internal:5000'

/** The images of the default scenario, in a fixed order. */
export const IMAGE_TEMPLATES: readonly ImageTemplate[] = [
  {
    registry: 'docker.io',
    remote: 'library/nginx',
    tag: '1.25.3',
    aliases: ['1.25'],
    os: 'debian',
    osExtras: ['libwebp7', 'libxml2', 'libcurl4', 'libexpat1'],
    entrypoint: ['/docker-entrypoint.sh'],
    command: ['nginx', '-g', 'daemon off;'],
    labels: { maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>' },
  },
  {
    registry: 'docker.io',
    remote: 'library/postgres',
    tag: '16.1',
    os: 'debian',
    osExtras: ['libkrb5-3', 'libsqlite3-0', 'perl-base', 'libxml2'],
    entrypoint: ['docker-entrypoint.sh'],
    command: ['postgres'],
    volumes: ['/var/lib/postgresql/data'],
  },
  {
    registry: 'docker.io',
    remote: 'library/redis',
    tag: '7.2.4-alpine',
    os: 'alpine',
    entrypoint: ['docker-entrypoint.sh'],
    command: ['redis-server'],
    volumes: ['/data'],
  },
  {
    registry: 'docker.io',
    remote: 'library/node',
    tag: '20.11.0-bookworm-slim',
    os: 'debian',
    languages: { node: ['semver', 'braces'] },
    entrypoint: ['docker-entrypoint.sh'],
    command: ['node'],
  },
  {
    registry: 'docker.io',
    remote: 'library/python',
    tag: '3.12.1-slim-bookworm',
    os: 'debian',
    osExtras: ['libsqlite3-0', 'libexpat1'],
    languages: { python: ['pip', 'setuptools'] },
    command: ['python3'],
  },
  {
    registry: 'docker.io',
    remote: 'grafana/grafana',
    tag: '10.2.3',
    os: 'alpine',
    osExtras: ['libcurl', 'nghttp2-libs'],
    languages: { go: 'all' },
    entrypoint: ['/run.sh'],
    user: '472',
    labels: { maintainer: 'Grafana Labs <hello@grafana.com>' },
  },
  {
    registry: 'docker.io',
    remote: 'bitnami/kafka',
    tag: '3.6.1-debian-12-r12',
    os: 'debian',
    osExtras: ['libcurl4', 'openssh-client'],
    languages: { java: ['jackson-databind', 'snakeyaml', 'netty-codec-http2'] },
    entrypoint: ['/opt/bitnami/scripts/kafka/entrypoint.sh'],
    command: ['/opt/bitnami/scripts/kafka/run.sh'],
    user: '1001',
    labels: {
      'org.opencontainers.image.vendor': 'VMware, Inc.',
      'org.opencontainers.image.version': '3.6.1',
    },
  },
  {
    registry: 'quay.io',
    remote: 'prometheus/prometheus',
    tag: 'v2.48.1',
    os: 'busybox',
    languages: { go: ['stdlib', 'golang.org/x/net', 'github.com/prometheus/client_golang'] },
    entrypoint: ['/bin/prometheus'],
    command: ['--config.file=/etc/prometheus/prometheus.yml'],
    user: 'nobody',
    volumes: ['/prometheus'],
    labels: { maintainer: 'The Prometheus Authors <prometheus-developers@googlegroups.com>' },
  },
  {
    registry: 'quay.io',
    remote: 'keycloak/keycloak',
    tag: '23.0.4',
    os: 'rhel',
    osExtras: ['python3'],
    languages: { java: ['jackson-databind', 'netty-codec-http2', 'snakeyaml'] },
    entrypoint: ['/opt/keycloak/bin/kc.sh'],
    user: '1000',
  },
  {
    registry: 'quay.io',
    remote: 'argoproj/argocd',
    tag: 'v2.9.3',
    os: 'ubuntu',
    languages: { go: 'all' },
    user: '999',
    command: ['argocd-server'],
  },
  {
    registry: 'quay.io',
    remote: 'jetstack/cert-manager-controller',
    tag: 'v1.13.3',
    os: 'distroless',
    languages: { go: ['stdlib', 'golang.org/x/net', 'k8s.io/client-go', 'golang.org/x/crypto'] },
    entrypoint: ['/app/cmd/controller/controller'],
    user: '1000',
  },
  {
    registry: 'gcr.io',
    remote: 'distroless/static-debian12',
    tag: 'nonroot',
    os: 'distroless',
    user: '65532',
  },
  {
    registry: 'gcr.io',
    remote: 'kaniko-project/executor',
    tag: 'v1.19.2',
    os: 'busybox',
    languages: { go: ['stdlib', 'golang.org/x/net', 'golang.org/x/crypto'] },
    entrypoint: ['/kaniko/executor'],
  },
  {
    registry: 'gcr.io',
    remote: 'cadvisor/cadvisor',
    tag: 'v0.47.2',
    os: 'alpine',
    languages: { go: ['stdlib', 'golang.org/x/net', 'google.golang.org/grpc'] },
    entrypoint: ['/usr/bin/cadvisor', '-logtostderr'],
  },
  {
    registry: PRIVATE_REGISTRY,
    remote: 'acme/payments-api',
    tag: '2.14.0',
    os: 'rhel',
    languages: {
      java: ['spring-web', 'spring-beans', 'jackson-databind', 'tomcat-embed-core', 'snakeyaml'],
    },
    entrypoint: ['java', '-jar', '/opt/app/payments-api.jar'],
    user: '1001',
    labels: {
      'org.opencontainers.image.source': 'https://git.acme.internal/payments/payments-api',
    },
  },
  {
    registry: PRIVATE_REGISTRY,
    remote: 'acme/checkout-web',
    tag: '1.8.2',
    os: 'alpine',
    osExtras: ['libexpat'],
    languages: { node: ['express', 'body-parser', 'qs', 'ws', 'tough-cookie', 'lodash'] },
    command: ['node', 'server.js'],
    user: 'node',
  },
  {
    registry: PRIVATE_REGISTRY,
    remote: 'acme/inventory-svc',
    tag: '0.31.4',
    os: 'distroless',
    osExtras: ['libc6', 'libssl3'],
    languages: { go: ['stdlib', 'golang.org/x/net', 'google.golang.org/grpc'] },
    entrypoint: ['/usr/local/bin/app'],
    user: '65532',
  },
  {
    registry: PRIVATE_REGISTRY,
    remote: 'acme/ml-scoring',
    tag: '2024.03.1',
    os: 'ubuntu',
    osExtras: ['libexpat1'],
    languages: { python: 'all' },
    command: ['gunicorn', '-b', '0.0.0.0:8080', 'scoring.app:app'],
    user: '1000',
  },
  {
    registry: PRIVATE_REGISTRY,
    remote: 'acme/legacy-reporting',
    tag: '1.4.0',
    os: 'debian',
    osExtras: ['libcurl4', 'libxml2'],
    languages: { java: ['log4j-core', 'jackson-databind', 'tomcat-embed-core'] },
    entrypoint: ['java', '-jar', '/opt/app/reporting.jar'],
  },
  {
    registry: PRIVATE_REGISTRY,
    remote: 'acme/billing-worker',
    tag: 'sha-3f9c2e1',
    os: 'alpine',
    languages: { go: ['stdlib', 'golang.org/x/net', 'golang.org/x/crypto'] },
    entrypoint: ['/usr/local/bin/app'],
    user: '65532',
  },
]
