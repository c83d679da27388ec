"""The `tls` probe: our own ClientHello scanner (`wire/`), certificate analysis and the SSL Labs grade."""
