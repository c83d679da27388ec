"""The `exposure` probe: polite GETs for back offices, leaked files and security.txt, with soft-404 detection."""
