"""Probes: code that measures an outlet's sites over the network and reports facts.

Probes import only `audit.models` and `audit.errors`; checklists read what they find through
declared fact names, and never call them directly.
"""
