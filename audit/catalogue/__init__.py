"""Catalogues: loading and model of checklists, the condition language, lint, coverage, crosswalk, tailoring.

A catalogue is YAML data (`checklists/`); this package turns it into a validated `Checklist` and
answers questions about it. It imports `audit.models`, `audit.errors` and the declared facts of
`probes.registry` (data, no probe code), never the engine or any service.
"""
