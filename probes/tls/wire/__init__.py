"""Our own TLS wire layer: ClientHello builder, reply parser, suite table, scanner and checks.

Written so the `tls` probe can test what the local OpenSSL cannot offer (SSL 2.0/3.0, RC4, 3DES,
export suites). Modules: `suites` (IANA table), `hello` (ClientHello), `records` (reply parser),
`conn` (one connection with deadlines), `scan` (enumeration), `checks` (features and
vulnerabilities), `tls13` (reading a TLS 1.3 certificate).
"""
