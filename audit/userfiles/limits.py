"""Budgets for user files. Generous for real files (the largest shipped catalogue is 160 kB, depth 9),
small enough that a hostile one is refused in milliseconds and a few megabytes of memory."""

from __future__ import annotations

MAX_YAML_BYTES = 4 * 1024 * 1024
"""A YAML file (answers, waivers, tailoring, inventory, catalogue, trusted keys)."""

MAX_JSON_BYTES = 64 * 1024 * 1024
"""A JSON file (a result or a bundle: a large outlet's result with every attempt is a few MB)."""

MAX_DEPTH = 64
"""Nesting of mappings and sequences, aliases expanded."""

MAX_NODES = 2_000_000
"""Nodes of a YAML document with aliases expanded (what a consumer walking it would visit)."""

MAX_ALIASES = 1_000
"""Alias uses in one YAML document; real files use none or a handful."""

MAX_SCALAR_CHARS = 100_000
"""One scalar (an answer's description, a justification): about 50 pages of text."""

MAX_XLSX_BYTES = 20 * 1024 * 1024
"""An XLSX file as stored (compressed)."""

MAX_XLSX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
"""All members of an XLSX file uncompressed, as declared by the zip directory (zipfile enforces it)."""

MAX_XLSX_MEMBERS = 200
"""Members of an XLSX zip (a workbook has about a dozen)."""

MAX_XLSX_ROWS = 5_000
"""Rows of the answers sheet (a catalogue has a few hundred requirements)."""

MAX_EVIDENCE_BYTES = 512 * 1024 * 1024
"""One evidence file hashed for an answer (a scanned policy, a log export); larger ones are refused, not read."""
