"""The `dns` probe: what an outlet's name publishes (addresses, name servers, CAA) and whether DNSSEC holds."""
