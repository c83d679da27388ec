"""The `ports` probe: nmap (or a built-in connect scan) and the catalogue of risky services."""
