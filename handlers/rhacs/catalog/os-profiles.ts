import type { PackageDefinition } from './package-definition.ts'

/** A base OS as Scanner V4 reports it. */
export interface OsProfile {
  /** `operatingSystem` as reported, e.g. `debian:12`; `''` when the scanner finds none. */
  os: string
  origin: 'VULN_ORIGIN_DEBIAN' | 'VULN_ORIGIN_ALPINE' | 'VULN_ORIGIN_RED_HAT' | 'VULN_ORIGIN_UBUNTU'
  /** Link base for OS findings (the CVE id is appended). */
  link: string
  baseLayers: ReadonlyArray<readonly [string, string, boolean]>
  packages: readonly PackageDefinition[]
  /** Packages only some images install. */
  optional?: readonly PackageDefinition[]
}

const DEBIAN_LINK = 'https://security-tracker.debian.org/tracker/'

/** Base OSes by key. */
export const OS_PROFILES = {
  debian: {
    os: 'debian:12',
    origin: 'VULN_ORIGIN_DEBIAN',
    link: DEBIAN_LINK,
    baseLayers: [
      ['ADD', 'file:b86ae1c7ca3586d8feedcd9ff1b2b1e8ab872caf6587618f1da689045a5d7ae4 in / ', false],
      ['CMD', '["bash"]', true],
    ],
    packages: [
      { name: 'base-files', version: '12.4+deb12u5' },
      { name: 'bash', version: '5.2.15-2+b2', license: 'GPL-3.0' },
      { name: 'coreutils', version: '9.1-1', cves: [['CVE-2017-18018', '']] },
      {
        name: 'libc6',
        version: '2.36-9+deb12u3',
        cves: [
          ['CVE-2024-2961', '2.36-9+deb12u7'],
          ['CVE-2023-6246', '2.36-9+deb12u4'],
          ['CVE-2024-33599', '2.36-9+deb12u7'],
        ],
      },
      {
        name: 'libssl3',
        version: '3.0.11-1~deb12u2',
        cves: [
          ['CVE-2024-0727', '3.0.13-1~deb12u1'],
          ['CVE-2024-5535', '3.0.15-1~deb12u1'],
        ],
      },
      { name: 'zlib1g', version: '1:1.2.13.dfsg-1', cves: [['CVE-2023-45853', '']] },
      {
        name: 'libgcc-s1',
        version: '12.2.0-14',
        cves: [
          ['CVE-2022-27943', ''],
          ['CVE-2023-4039', ''],
        ],
      },
      { name: 'apt', version: '2.6.1', cves: [['CVE-2011-3374', '']] },
      { name: 'tar', version: '1.34+dfsg-1.2+deb12u1', cves: [['CVE-2005-2541', '']] },
      { name: 'login', version: '1:4.13+dfsg1-1+b1', cves: [['CVE-2007-5686', '']] },
      { name: 'libncursesw6', version: '6.4-4', cves: [['CVE-2023-50495', '']] },
      { name: 'util-linux', version: '2.38.1-5+b1', cves: [['CVE-2022-0563', '']] },
      { name: 'tzdata', version: '2024a-0+deb12u1' },
    ],
    optional: [
      {
        name: 'libcurl4',
        version: '7.88.1-10+deb12u4',
        cves: [['CVE-2024-2398', '7.88.1-10+deb12u6']],
      },
      {
        name: 'libexpat1',
        version: '2.5.0-1',
        cves: [
          ['CVE-2023-52425', '2.5.0-1+deb12u1'],
          ['CVE-2024-45490', '2.5.0-1+deb12u1'],
        ],
      },
      {
        name: 'libnghttp2-14',
        version: '1.52.0-1+deb12u1',
        cves: [['CVE-2024-28182', '1.52.0-1+deb12u2']],
      },
      { name: 'libsqlite3-0', version: '3.40.1-2', cves: [['CVE-2023-7104', '3.40.1-2+deb12u1']] },
      {
        name: 'libkrb5-3',
        version: '1.20.1-2+deb12u1',
        cves: [
          ['CVE-2024-37371', '1.20.1-2+deb12u2'],
          ['CVE-2024-26458', ''],
        ],
      },
      { name: 'libwebp7', version: '1.2.4-0.2', cves: [['CVE-2023-4863', '1.2.4-0.2+deb12u1']] },
      {
        name: 'openssh-client',
        version: '1:9.2p1-2+deb12u2',
        cves: [['CVE-2024-6387', '1:9.2p1-2+deb12u3']],
      },
      { name: 'libxml2', version: '2.9.14+dfsg-1.3~deb12u1', cves: [['CVE-2024-25062', '']] },
      { name: 'perl-base', version: '5.36.0-7+deb12u1' },
      {
        name: 'libsystemd0',
        version: '252.19-1~deb12u1',
        cves: [['CVE-2023-50387', '252.21-1~deb12u1']],
      },
    ],
  },
  distroless: {
    os: 'debian:12',
    origin: 'VULN_ORIGIN_DEBIAN',
    link: DEBIAN_LINK,
    baseLayers: [
      [
        'COPY',
        'file:9e1c2d5fbb2ab6d3e41c1a4a7bb6e5d7b8b4f1d47f4d7f5a0c1d2b3c4d5e6f7a in / ',
        false,
      ],
      ['USER', '65532', true],
    ],
    packages: [
      { name: 'base-files', version: '12.4+deb12u5' },
      { name: 'netbase', version: '6.4' },
      { name: 'tzdata', version: '2024a-0+deb12u1' },
      { name: 'media-types', version: '10.0.0' },
    ],
    optional: [
      {
        name: 'libc6',
        version: '2.36-9+deb12u3',
        cves: [
          ['CVE-2024-2961', '2.36-9+deb12u7'],
          ['CVE-2023-6246', '2.36-9+deb12u4'],
        ],
      },
      {
        name: 'libssl3',
        version: '3.0.11-1~deb12u2',
        cves: [['CVE-2024-0727', '3.0.13-1~deb12u1']],
      },
    ],
  },
  alpine: {
    os: 'alpine:v3.19',
    origin: 'VULN_ORIGIN_ALPINE',
    link: 'https://security.alpinelinux.org/vuln/',
    baseLayers: [
      ['ADD', 'file:37a76ec18f9887751cd8473744917d08b7431fc4085097bb6a09d81b41775473 in / ', false],
      ['CMD', '["/bin/sh"]', true],
    ],
    packages: [
      { name: 'alpine-baselayout', version: '3.4.3-r2' },
      {
        name: 'busybox',
        version: '1.36.1-r15',
        cves: [
          ['CVE-2023-42363', '1.36.1-r17'],
          ['CVE-2023-42366', '1.36.1-r16'],
        ],
      },
      {
        name: 'ssl_client',
        version: '1.36.1-r15',
        cves: [['CVE-2023-42363', '1.36.1-r17']],
      },
      { name: 'musl', version: '1.2.4_git20230717-r4' },
      {
        name: 'libcrypto3',
        version: '3.1.4-r2',
        cves: [
          ['CVE-2024-0727', '3.1.4-r5'],
          ['CVE-2024-5535', '3.1.6-r0'],
        ],
      },
      { name: 'libssl3', version: '3.1.4-r2', cves: [['CVE-2024-0727', '3.1.4-r5']] },
      { name: 'zlib', version: '1.3.1-r0' },
      { name: 'apk-tools', version: '2.14.0-r5' },
      { name: 'ca-certificates-bundle', version: '20230506-r0' },
      { name: 'scanelf', version: '1.3.7-r2' },
    ],
    optional: [
      { name: 'libcurl', version: '8.5.0-r0', cves: [['CVE-2024-2398', '8.7.1-r0']] },
      { name: 'nghttp2-libs', version: '1.58.0-r0', cves: [['CVE-2024-28182', '1.58.0-r1']] },
      { name: 'libexpat', version: '2.5.0-r2', cves: [['CVE-2023-52425', '2.6.0-r0']] },
    ],
  },
  rhel: {
    os: 'rhel:9',
    origin: 'VULN_ORIGIN_RED_HAT',
    link: 'https://access.redhat.com/security/cve/',
    baseLayers: [
      ['ADD', 'file:5b1f650e1376d79fa3a65df4a154ea5166def95154b52c1c1097dfd8fc7d58eb in / ', false],
      ['LABEL', 'com.redhat.component="ubi9-minimal-container" name="ubi9-minimal"', true],
      ['ENV', 'container oci', true],
      ['CMD', '["/bin/bash"]', true],
    ],
    packages: [
      {
        name: 'openssl-libs',
        version: '1:3.0.7-24.el9',
        cves: [
          ['CVE-2023-5363', '1:3.0.7-25.el9_3'],
          ['CVE-2024-0727', '1:3.0.7-27.el9'],
        ],
      },
      {
        name: 'glibc',
        version: '2.34-83.el9.7',
        cves: [
          ['CVE-2023-4911', '2.34-83.el9_3.7'],
          ['CVE-2024-2961', '2.34-100.el9_4.2'],
        ],
      },
      {
        name: 'libcurl-minimal',
        version: '7.76.1-26.el9',
        cves: [['CVE-2023-38546', '7.76.1-26.el9_3.2']],
      },
      { name: 'expat', version: '2.5.0-1.el9', cves: [['CVE-2023-52425', '2.5.0-2.el9_4']] },
      {
        name: 'sqlite-libs',
        version: '3.34.1-6.el9_1',
        cves: [['CVE-2023-7104', '3.34.1-7.el9_3']],
      },
      { name: 'krb5-libs', version: '1.21.1-1.el9', cves: [['CVE-2024-37371', '1.21.1-2.el9_4']] },
      {
        name: 'ncurses-libs',
        version: '6.2-10.20210508.el9',
        cves: [['CVE-2023-29491', '6.2-10.20210508.el9_3']],
      },
      { name: 'libxml2', version: '2.9.13-5.el9_3', cves: [['CVE-2024-25062', '2.9.13-6.el9_4']] },
      { name: 'bash', version: '5.1.8-6.el9_1', license: 'GPLv3+' },
      { name: 'coreutils-single', version: '8.32-34.el9' },
      { name: 'tzdata', version: '2023c-1.el9' },
      { name: 'rpm', version: '4.16.1.3-25.el9' },
    ],
    optional: [{ name: 'python3', version: '3.9.18-1.el9_3', cves: [['CVE-2023-27043', '']] }],
  },
  ubuntu: {
    os: 'ubuntu:22.04',
    origin: 'VULN_ORIGIN_UBUNTU',
    link: 'https://ubuntu.com/security/',
    baseLayers: [
      ['ARG', 'RELEASE', true],
      [
        'LABEL',
        'org.opencontainers.image.ref.name=ubuntu org.opencontainers.image.version=22.04',
        true,
      ],
      ['ADD', 'file:3bd10da0673e2e72cb06a1f64a9df49a36341df39b0f762e3d1b38ee4de296fa in / ', false],
      ['CMD', '["/bin/bash"]', true],
    ],
    packages: [
      {
        name: 'libc6',
        version: '2.35-0ubuntu3.3',
        cves: [
          ['CVE-2023-4911', '2.35-0ubuntu3.4'],
          ['CVE-2024-2961', '2.35-0ubuntu3.7'],
        ],
      },
      {
        name: 'libssl3',
        version: '3.0.2-0ubuntu1.10',
        cves: [
          ['CVE-2023-5363', '3.0.2-0ubuntu1.12'],
          ['CVE-2024-0727', '3.0.2-0ubuntu1.14'],
        ],
      },
      { name: 'zlib1g', version: '1:1.2.11.dfsg-2ubuntu9.2', cves: [['CVE-2023-45853', '']] },
      {
        name: 'libcurl4',
        version: '7.81.0-1ubuntu1.13',
        cves: [
          ['CVE-2023-38545', '7.81.0-1ubuntu1.14'],
          ['CVE-2023-38546', '7.81.0-1ubuntu1.14'],
        ],
      },
      { name: 'libncurses6', version: '6.3-2ubuntu0.1', cves: [['CVE-2023-50495', '']] },
      {
        name: 'libsqlite3-0',
        version: '3.37.2-2ubuntu0.1',
        cves: [['CVE-2023-7104', '3.37.2-2ubuntu0.3']],
      },
      {
        name: 'libkrb5-3',
        version: '1.19.2-2ubuntu0.2',
        cves: [['CVE-2024-37371', '1.19.2-2ubuntu0.4']],
      },
      { name: 'tar', version: '1.34+dfsg-1ubuntu0.1.22.04.1', cves: [['CVE-2005-2541', '']] },
      { name: 'libgcc-s1', version: '12.3.0-1ubuntu1~22.04', cves: [['CVE-2022-27943', '']] },
      {
        name: 'perl-base',
        version: '5.34.0-3ubuntu1.2',
        cves: [['CVE-2023-47038', '5.34.0-3ubuntu1.3']],
      },
      { name: 'bash', version: '5.1-6ubuntu1' },
      { name: 'coreutils', version: '8.32-4.1ubuntu1' },
    ],
    optional: [
      {
        name: 'libexpat1',
        version: '2.4.7-1ubuntu0.2',
        cves: [['CVE-2023-52425', '2.4.7-1ubuntu0.3']],
      },
    ],
  },
  busybox: {
    os: '',
    origin: 'VULN_ORIGIN_DEBIAN',
    link: DEBIAN_LINK,
    baseLayers: [
      ['ADD', 'file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7c2b0c1b5b2d1e3a in / ', false],
      ['CMD', '["sh"]', true],
    ],
    packages: [],
  },
} as const satisfies Record<string, OsProfile>

export type OsKey = keyof typeof OS_PROFILES
