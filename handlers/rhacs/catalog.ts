import type { CveRecord, SourceType, VulnerabilitySeverity } from './schemas.ts'

/**
 * Static reference data the mock draws images from: a small vulnerability feed, the packages of a
 * few base OSes and language ecosystems, and the images a cluster typically runs. Immutable; the
 * session store holds what is actually in use.
 */

const DAY = 86_400_000

interface CveDefinition {
  id: string
  /** CVSS v3.1 vector (`CVSS:3.1/…`) or v2 vector (`AV:N/AC:L/Au:N/…`). */
  vector: string
  published: string
  summary: string
  /** Distro rating when it differs from what the score implies. */
  severity?: VulnerabilitySeverity
  /** CISA KEV entry: date added, due date, ransomware use. */
  kev?: [string, string, 'Known' | 'Unknown']
  epss?: [number, number]
}

const H = 'AV:N/AC:L/PR:N/UI:N/S:U'

const CVE_DEFINITIONS: readonly CveDefinition[] = [
  {
    id: 'CVE-2021-44228',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    published: '2021-12-10',
    summary:
      'Apache Log4j2 JNDI features used in configuration, log messages and parameters do not protect against attacker-controlled LDAP and other JNDI endpoints, allowing remote code execution.',
    kev: ['2021-12-10', '2021-12-24', 'Known'],
    epss: [0.94358, 0.99992],
  },
  {
    id: 'CVE-2022-22965',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2022-04-01',
    summary:
      'A Spring MVC or Spring WebFlux application running on JDK 9+ may be vulnerable to remote code execution via data binding.',
    kev: ['2022-04-04', '2022-04-25', 'Unknown'],
    epss: [0.97467, 0.99974],
  },
  {
    id: 'CVE-2023-44487',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2023-10-10',
    summary:
      'The HTTP/2 protocol allows a denial of service because request cancellation can reset many streams quickly ("Rapid Reset").',
    kev: ['2023-10-10', '2023-10-31', 'Unknown'],
    epss: [0.82143, 0.99522],
  },
  {
    id: 'CVE-2023-4863',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H',
    published: '2023-09-12',
    summary:
      'A heap buffer overflow in libwebp allows a remote attacker to perform an out of bounds memory write via a crafted image.',
    kev: ['2023-09-13', '2023-10-04', 'Unknown'],
    epss: [0.4011, 0.97305],
  },
  {
    id: 'CVE-2024-6387',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    published: '2024-07-01',
    summary:
      'A signal handler race condition in the OpenSSH server (sshd) can allow unauthenticated remote code execution as root ("regreSSHion").',
    epss: [0.40526, 0.97324],
  },
  {
    id: 'CVE-2023-38545',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2023-10-18',
    summary:
      'A heap based buffer overflow in the SOCKS5 proxy handshake of curl and libcurl when the hostname is longer than 255 bytes.',
    epss: [0.17032, 0.96012],
  },
  {
    id: 'CVE-2023-38546',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N',
    published: '2023-10-18',
    summary:
      'Cookie injection in libcurl when a transfer handle is duplicated with curl_easy_duphandle() after cookies were read from a file named "none".',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2024-2398',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-03-27',
    summary:
      'When HTTP/2 server push is allowed and the number of received headers exceeds the limit, libcurl fails to free the previously allocated headers.',
    severity: 'MODERATE_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-45853',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2023-10-14',
    summary:
      'MiniZip in zlib has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64 via a long filename, comment, or extra field.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-4911',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    published: '2023-10-03',
    summary:
      'A buffer overflow in the GNU C Library dynamic loader while processing the GLIBC_TUNABLES environment variable allows local privilege escalation ("Looney Tunables").',
    kev: ['2023-11-21', '2023-12-12', 'Unknown'],
    epss: [0.71318, 0.98104],
  },
  {
    id: 'CVE-2024-2961',
    vector: `CVSS:3.1/${H}/C:L/I:L/A:L`,
    published: '2024-04-17',
    summary:
      'The iconv() function in the GNU C Library may overflow the output buffer by up to 4 bytes when converting strings to the ISO-2022-CN-EXT character set.',
  },
  {
    id: 'CVE-2023-6246',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    published: '2024-01-31',
    summary:
      'A heap-based buffer overflow in the __vsyslog_internal function of the GNU C Library can lead to local privilege escalation.',
  },
  {
    id: 'CVE-2024-33599',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    published: '2024-05-06',
    summary:
      'A stack-based buffer overflow in the netgroup cache of the Name Service Cache Daemon (nscd) of the GNU C Library.',
    severity: 'MODERATE_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-5363',
    vector: `CVSS:3.1/${H}/C:H/I:N/A:N`,
    published: '2023-10-25',
    summary:
      'Incorrect cipher key and IV length processing in OpenSSL may result in loss of confidentiality for some symmetric cipher modes.',
  },
  {
    id: 'CVE-2024-0727',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    published: '2024-01-26',
    summary:
      'Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash, leading to a potential denial of service.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2024-5535',
    vector: `CVSS:3.1/${H}/C:H/I:N/A:H`,
    published: '2024-06-27',
    summary:
      'Calling the OpenSSL API function SSL_select_next_proto with an empty supported client protocols buffer may cause a crash or memory contents to be sent to the peer.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-52425',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-02-04',
    summary:
      'libexpat allows a denial of service (resource consumption) because many full reparsings are required in the case of a large token.',
    severity: 'MODERATE_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2024-45490',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2024-08-30',
    summary:
      'libexpat XML_ParseBuffer does not reject a negative length, which can lead to a heap buffer overflow.',
  },
  {
    id: 'CVE-2024-28182',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:L`,
    published: '2024-04-04',
    summary:
      'nghttp2 keeps reading an unbounded number of HTTP/2 CONTINUATION frames even after a stream is reset, allowing a denial of service.',
  },
  {
    id: 'CVE-2023-7104',
    vector: `CVSS:3.1/${H}/C:L/I:L/A:L`,
    published: '2023-12-29',
    summary:
      'A heap-based buffer overflow in the sessionReadRecord function of the SQLite session extension.',
    severity: 'MODERATE_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2024-37371',
    vector: `CVSS:3.1/${H}/C:H/I:N/A:H`,
    published: '2024-06-28',
    summary:
      'MIT Kerberos 5 can be made to perform invalid memory reads when processing GSS message tokens with invalid length fields.',
  },
  {
    id: 'CVE-2024-26458',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:L`,
    published: '2024-02-29',
    summary: 'Kerberos 5 contains a memory leak in its RPCSEC_GSS implementation (rpc_gss.c).',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2022-27943',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    published: '2022-03-26',
    summary:
      'libiberty/rust-demangle.c in GNU GCC has a stack exhaustion in demangle_const when demangling crafted symbols.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-4039',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:L',
    published: '2023-09-13',
    summary:
      'The -fstack-protector feature of GCC on AArch64 does not protect dynamically-sized local variables.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2011-3374',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N',
    published: '2019-11-26',
    summary:
      'apt-key in apt does not correctly validate gpg keys with the master keyring, leading to a potential man-in-the-middle attack.',
  },
  {
    id: 'CVE-2005-2541',
    vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C',
    published: '2005-08-10',
    summary:
      'Tar 1.15.1 does not properly warn the user when extracting setuid or setgid files, which may allow local users or remote attackers to gain privileges.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2007-5686',
    vector: 'AV:L/AC:L/Au:N/C:C/I:N/A:N',
    published: '2007-10-28',
    summary:
      'initscripts in rPath Linux 1 sets insecure permissions for the /var/log/btmp file, which allows local users to obtain sensitive information.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2017-18018',
    vector: 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:H/A:N',
    published: '2018-01-04',
    summary:
      'In GNU Coreutils, chown and chgrp with -R -L are vulnerable to a race condition that can let local users modify the ownership of arbitrary files.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2022-0563',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
    published: '2022-02-21',
    summary:
      'util-linux chfn and chsh may let an unprivileged user read root-owned files through the readline INPUTRC environment variable.',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-50495',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    published: '2023-12-12',
    summary: 'NCurses has a segmentation fault via _nc_wrap_entry().',
    severity: 'LOW_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-29491',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    published: '2023-04-14',
    summary:
      'ncurses allows memory corruption via malformed data in a terminfo database file when it is used by setuid applications.',
    severity: 'MODERATE_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-50387',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-02-14',
    summary:
      'Certain DNSSEC aspects of the DNS protocol allow remote attackers to cause a denial of service via one or more DNSSEC responses ("KeyTrap").',
  },
  {
    id: 'CVE-2024-25062',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-02-04',
    summary:
      'In libxml2, when the XML Reader interface is used with DTD validation and XInclude expansion enabled, processing crafted documents can lead to a use-after-free.',
    severity: 'MODERATE_VULNERABILITY_SEVERITY',
  },
  {
    id: 'CVE-2023-42363',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    published: '2023-11-27',
    summary: 'A use-after-free vulnerability in the xasprintf function of BusyBox awk.',
  },
  {
    id: 'CVE-2023-42366',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
    published: '2023-11-27',
    summary: 'A heap-buffer-overflow in the next_token function of BusyBox awk.',
  },
  {
    id: 'CVE-2023-27043',
    vector: `CVSS:3.1/${H}/C:N/I:L/A:N`,
    published: '2023-04-19',
    summary:
      'The Python email module incorrectly parses e-mail addresses that contain a special character, which may let an attacker bypass address allowlists.',
  },
  {
    id: 'CVE-2023-47038',
    vector: 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H',
    published: '2023-12-18',
    summary:
      'A crafted regular expression compiled by Perl can cause a one-byte attacker-controlled heap buffer overflow write.',
  },
  {
    id: 'CVE-2023-39325',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2023-10-11',
    summary:
      'A malicious HTTP/2 client which rapidly creates requests and immediately resets them can cause excessive server resource consumption in Go net/http.',
  },
  {
    id: 'CVE-2024-24790',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2024-06-05',
    summary:
      'The Is methods of Go net/netip.Addr (IsPrivate, IsLoopback, …) did not work as expected for IPv4-mapped IPv6 addresses.',
  },
  {
    id: 'CVE-2023-45288',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-04-04',
    summary:
      'An attacker may cause an HTTP/2 endpoint to read arbitrary amounts of header data by sending an excessive number of CONTINUATION frames.',
  },
  {
    id: 'CVE-2023-48795',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N',
    published: '2023-12-18',
    summary:
      'The SSH transport protocol with certain OpenSSH extensions allows remote attackers to bypass integrity checks ("Terrapin attack").',
    epss: [0.61982, 0.97783],
  },
  {
    id: 'CVE-2024-29041',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
    published: '2024-03-25',
    summary:
      'Express.js open redirect: malformed URLs are evaluated in unexpected ways by common redirection allowlist implementations.',
  },
  {
    id: 'CVE-2024-45590',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-09-10',
    summary: 'body-parser is vulnerable to denial of service when URL encoding is enabled.',
  },
  {
    id: 'CVE-2022-24999',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2022-11-26',
    summary:
      'qs before 6.10.3 allows attackers to cause a Node process hang through prototype pollution with __proto__ keys in query strings.',
  },
  {
    id: 'CVE-2022-25883',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2023-06-21',
    summary:
      'Versions of the package semver before 7.5.2 are vulnerable to Regular Expression Denial of Service via the function new Range.',
  },
  {
    id: 'CVE-2024-4068',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-05-14',
    summary:
      'The NPM package braces fails to limit the number of characters it can handle, which can lead to memory exhaustion.',
  },
  {
    id: 'CVE-2023-26136',
    vector: `CVSS:3.1/${H}/C:L/I:L/A:N`,
    published: '2023-07-01',
    summary:
      'tough-cookie before 4.1.3 is vulnerable to prototype pollution when CookieJar is used in rejectPublicSuffixes=false mode.',
  },
  {
    id: 'CVE-2024-37890',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2024-06-17',
    summary:
      'A request with a number of headers exceeding server.maxHeadersCount can be used to crash a ws server.',
  },
  {
    id: 'CVE-2024-35195',
    vector: 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N',
    published: '2024-05-20',
    summary:
      'When the first request of a Requests Session is made with verify=False, later requests to the same host keep ignoring certificate verification.',
  },
  {
    id: 'CVE-2023-43804',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N',
    published: '2023-10-04',
    summary: 'urllib3 does not strip the Cookie HTTP header on cross-origin redirects.',
  },
  {
    id: 'CVE-2023-45803',
    vector: 'CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N',
    published: '2023-10-17',
    summary:
      'urllib3 does not remove the HTTP request body when a 303 redirect response changes the method to GET.',
  },
  {
    id: 'CVE-2023-37920',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2023-07-25',
    summary:
      'Certifi removes the e-Tugra root certificates after security issues were reported in their systems.',
  },
  {
    id: 'CVE-2022-40897',
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H',
    published: '2022-12-23',
    summary:
      'setuptools before 65.5.1 allows remote attackers to cause a denial of service via HTML in a crafted package or custom PackageIndex page.',
  },
  {
    id: 'CVE-2024-6345',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H',
    published: '2024-07-15',
    summary:
      'The package_index module of setuptools allows remote code execution via its download functions when exposed to user-controlled URLs.',
  },
  {
    id: 'CVE-2023-5752',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N',
    published: '2023-10-03',
    summary:
      'When installing a package from a Mercurial VCS URL with pip, the revision can inject arbitrary configuration options into the hg clone call.',
  },
  {
    id: 'CVE-2024-22195',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
    published: '2024-01-11',
    summary:
      'The Jinja xmlattr filter accepts keys containing spaces, allowing injection of arbitrary HTML attributes when rendering user input.',
  },
  {
    id: 'CVE-2023-46136',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2023-10-24',
    summary:
      'The Werkzeug multipart data parser can be made to consume excessive CPU through crafted file uploads.',
  },
  {
    id: 'CVE-2024-22262',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N',
    published: '2024-04-16',
    summary:
      'Applications that use UriComponentsBuilder to parse an externally provided URL and validate its host are vulnerable to open redirect and SSRF.',
  },
  {
    id: 'CVE-2022-42003',
    vector: `CVSS:3.1/${H}/C:N/I:N/A:H`,
    published: '2022-10-02',
    summary:
      'In FasterXML jackson-databind, resource exhaustion can occur because primitive value deserializers do not check for deep wrapper array nesting.',
  },
  {
    id: 'CVE-2022-1471',
    vector: `CVSS:3.1/${H}/C:H/I:H/A:H`,
    published: '2022-12-01',
    summary:
      "SnakeYaml's Constructor class does not restrict the types that can be instantiated during deserialization, which may lead to remote code execution.",
    epss: [0.89322, 0.98971],
  },
]

// CVSS v3.1 base-score arithmetic (FIRST specification, section 7).
const V3_WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
}

function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000)
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10
}

const round1 = (value: number) => Math.round(value * 10) / 10

function parseVector(vector: string): Record<string, string> {
  const metrics: Record<string, string> = {}
  for (const part of vector.split('/')) {
    const [key, value] = part.split(':')
    if (key && value) metrics[key] = value
  }
  return metrics
}

function cvssV3(vector: string): NonNullable<CveRecord['cvssV3']> {
  const m = parseVector(vector)
  const changed = m.S === 'C'
  const w = (metric: string) => V3_WEIGHTS[metric]?.[m[metric] ?? ''] ?? 0
  const pr = m.PR === 'N' ? 0.85 : m.PR === 'L' ? (changed ? 0.68 : 0.62) : changed ? 0.5 : 0.27
  const iss = 1 - (1 - w('C')) * (1 - w('I')) * (1 - w('A'))
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss
  const exploitability = 8.22 * w('AV') * w('AC') * pr * w('UI')
  const score =
    impact <= 0 ? 0 : roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10))
  const names: Record<string, Record<string, string>> = {
    AV: { N: 'ATTACK_NETWORK', A: 'ATTACK_ADJACENT', L: 'ATTACK_LOCAL', P: 'ATTACK_PHYSICAL' },
    AC: { L: 'COMPLEXITY_LOW', H: 'COMPLEXITY_HIGH' },
    PR: { N: 'PRIVILEGE_NONE', L: 'PRIVILEGE_LOW', H: 'PRIVILEGE_HIGH' },
    UI: { N: 'UI_NONE', R: 'UI_REQUIRED' },
    S: { U: 'UNCHANGED', C: 'CHANGED' },
    CIA: { N: 'IMPACT_NONE', L: 'IMPACT_LOW', H: 'IMPACT_HIGH' },
  }
  const name = (table: string, metric: string) => names[table]?.[m[metric] ?? ''] ?? ''
  return {
    vector,
    exploitabilityScore: round1(exploitability),
    impactScore: round1(Math.max(impact, 0)),
    attackVector: name('AV', 'AV'),
    attackComplexity: name('AC', 'AC'),
    privilegesRequired: name('PR', 'PR'),
    userInteraction: name('UI', 'UI'),
    scope: name('S', 'S'),
    confidentiality: name('CIA', 'C'),
    integrity: name('CIA', 'I'),
    availability: name('CIA', 'A'),
    score,
    severity:
      score === 0
        ? 'NONE'
        : score < 4
          ? 'LOW'
          : score < 7
            ? 'MEDIUM'
            : score < 9
              ? 'HIGH'
              : 'CRITICAL',
  }
}

function cvssV2(vector: string): NonNullable<CveRecord['cvssV2']> {
  const m = parseVector(vector)
  const av = { L: 0.395, A: 0.646, N: 1 }[m.AV ?? 'L'] ?? 0.395
  const ac = { H: 0.35, M: 0.61, L: 0.71 }[m.AC ?? 'H'] ?? 0.35
  const au = { M: 0.45, S: 0.56, N: 0.704 }[m.Au ?? 'M'] ?? 0.45
  const cia = (metric: string) => ({ N: 0, P: 0.275, C: 0.66 })[m[metric] ?? 'N'] ?? 0
  const impact = 10.41 * (1 - (1 - cia('C')) * (1 - cia('I')) * (1 - cia('A')))
  const exploitability = 20 * av * ac * au
  const score = round1((0.6 * impact + 0.4 * exploitability - 1.5) * (impact === 0 ? 0 : 1.176))
  const impactName = (metric: string) =>
    ({ N: 'IMPACT_NONE', P: 'IMPACT_PARTIAL', C: 'IMPACT_COMPLETE' })[m[metric] ?? 'N'] ??
    'IMPACT_NONE'
  return {
    vector,
    attackVector:
      { L: 'ATTACK_LOCAL', A: 'ATTACK_ADJACENT', N: 'ATTACK_NETWORK' }[m.AV ?? 'L'] ??
      'ATTACK_LOCAL',
    accessComplexity:
      { H: 'ACCESS_HIGH', M: 'ACCESS_MEDIUM', L: 'ACCESS_LOW' }[m.AC ?? 'H'] ?? 'ACCESS_HIGH',
    authentication:
      { M: 'AUTH_MULTIPLE', S: 'AUTH_SINGLE', N: 'AUTH_NONE' }[m.Au ?? 'M'] ?? 'AUTH_MULTIPLE',
    confidentiality: impactName('C'),
    integrity: impactName('I'),
    availability: impactName('A'),
    exploitabilityScore: round1(exploitability),
    impactScore: round1(impact),
    score,
    severity: score < 4 ? 'LOW' : score < 7 ? 'MEDIUM' : 'HIGH',
  }
}

function severityOf(score: number): VulnerabilitySeverity {
  if (score < 4) return 'LOW_VULNERABILITY_SEVERITY'
  if (score < 7) return 'MODERATE_VULNERABILITY_SEVERITY'
  if (score < 9) return 'IMPORTANT_VULNERABILITY_SEVERITY'
  return 'CRITICAL_VULNERABILITY_SEVERITY'
}

function protoDate(day: string, offsetDays = 0): string {
  return protoTimestamp(Date.parse(`${day}T00:00:00Z`) + offsetDays * DAY)
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/**
 * Formats an instant as protojson does: RFC 3339 in UTC, fractions only when non-zero. Integer
 * date arithmetic (Hinnant's civil-from-days) rather than `toISOString`, because seeding 10,000
 * images formats some 700,000 timestamps.
 */
export function protoTimestamp(ms: number): string {
  const whole = Math.floor(ms)
  const days = Math.floor(whole / DAY)
  let rest = whole - days * DAY
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / 60_000)
  rest -= minutes * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  if (year < 0 || year > 9999) return new Date(ms).toISOString()
  const fraction = millis === 0 ? '' : `.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${fraction}Z`
}

/** The feed entry of a CVE definition, with CVSS computed from its vector. */
function toCveRecord(def: CveDefinition): CveRecord {
  const v3 = def.vector.startsWith('CVSS:3') ? cvssV3(def.vector) : null
  const v2 = v3 ? null : cvssV2(def.vector)
  const cvss = v3?.score ?? v2?.score ?? 0
  const epss =
    def.epss ??
    ([
      Math.round(0.0004 * cvss ** 2 * 10_000) / 10_000,
      Math.round((0.35 + cvss / 20) * 1000) / 1000,
    ] as const)
  return {
    cve: def.id,
    summary: def.summary,
    link: `https://nvd.nist.gov/vuln/detail/${def.id}`,
    cvss,
    severity: def.severity ?? severityOf(cvss),
    scoreVersion: v3 ? 'V3' : 'V2',
    cvssV2: v2,
    cvssV3: v3,
    publishedOn: protoDate(def.published),
    lastModified: protoDate(def.published, 45),
    epss: { epssProbability: epss[0], epssPercentile: epss[1] },
    cisaKev: def.kev !== undefined,
    exploit: def.kev
      ? {
          dateAdded: def.kev[0],
          shortDescription: def.summary,
          requiredAction:
            'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
          dueDate: def.kev[1],
          knownRansomwareCampaignUse: def.kev[2],
        }
      : null,
  }
}

/** Every CVE of the mock's feed, as the `cves` collection stores them. */
export const CVE_FEED: readonly CveRecord[] = CVE_DEFINITIONS.map(toCveRecord)

/** A package and the CVEs (with the version that fixes each, `''` for none) it carries. */
export interface PackageDefinition {
  name: string
  version: string
  cves?: ReadonlyArray<readonly [string, string]>
  license?: string
}

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

/** The scanner integration that produced every scan. */
export const SCANNER_DATA_SOURCE = {
  id: 'a87471e6-9678-4e66-8348-91e302b6de07',
  name: 'Scanner V4',
  mirror: '',
} as const

/** Scanner V4's version string in scans. */
export const SCANNER_VERSION = '4.5.2'

/** Picks the template that best fits a name nobody seeded (ScanImage of a new image). */
export function templateFor(registry: string, remote: string, tag: string): ImageTemplate {
  const known = IMAGE_TEMPLATES.find((t) => t.registry === registry && t.remote === remote)
  if (known) return { ...known, tag }
  const base = remote.split('/').pop() ?? remote
  const os: OsKey = /alpine/.test(tag)
    ? 'alpine'
    : /ubi|rhel|redhat/.test(`${registry}/${remote}`)
      ? 'rhel'
      : /distroless|static/.test(remote)
        ? 'distroless'
        : /ubuntu|jammy/.test(`${remote}:${tag}`)
          ? 'ubuntu'
          : 'debian'
  const languages: ImageTemplate['languages'] = /node|web|ui|frontend/.test(base)
    ? { node: ['express', 'semver', 'braces'] }
    : /python|py|ml|scor/.test(base)
      ? { python: ['requests', 'urllib3', 'certifi', 'pip'] }
      : /java|spring|kafka|keycloak|api/.test(base)
        ? { java: ['jackson-databind', 'spring-web'] }
        : /go|svc|controller|operator|exporter|worker/.test(base)
          ? { go: ['stdlib', 'golang.org/x/net'] }
          : {}
  return { registry, remote, tag, os, languages }
}
