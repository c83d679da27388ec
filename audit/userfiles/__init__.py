"""One hardened way in for every file a user hands us: YAML, JSON and XLSX.

Files from outlets and officers are hostile until read: any of them may be huge, deeply nested, an
alias bomb, a zip bomb, a named pipe, or carry impossible dates and NaN. Every loader reads through
here (YAML through `audit.yamlfile`, which keeps line numbers, and which uses the limits and the
raw reader of this package), so each of those is refused the same way: one located error, never a
traceback, a hang or a memory blow-up.

- `limits`   the size, depth and count budgets, in one place
- `raw`      bytes of a regular file, never more than a budget (no FIFOs, devices, /dev/zero)
- `jsonfile` JSON without NaN/Infinity, duplicate keys or runaway nesting
- `xlsxfile` XLSX whose uncompressed size and row count are checked before openpyxl reads it
"""
