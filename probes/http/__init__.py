"""The `http` probe: redirect chain, security headers, CSP, cookies, HTML checks and the Observatory score."""
