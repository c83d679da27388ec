"""The `mail` probe: how an outlet's mail domain protects its mail (MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT)."""
