"""Words of the department dashboard and exports: the `dashboard.*` part of the message catalogue."""

from __future__ import annotations

from audit.i18n import t

WORDS = (
    "title", "generated", "filters", "all", "from", "to", "tags", "outlets", "results", "catalogues", "catalogue",
    "compliant", "not_compliant", "incomplete", "share", "target", "gap", "per_outlet", "outlet", "verdict",
    "score", "coverage", "failed", "trend", "last_audit", "signer", "trend.up", "trend.down", "trend.same",
    "trend.new", "trend.none", "heatmap", "top_failed", "requirement", "failed_outlets", "regressions", "before", "after",
    "regressed_reqs", "waivers", "waiver", "expires", "days_left", "expired", "none", "within_days", "legend",
)
"""Every dashboard word (without the `dashboard.` prefix), for templates that take them all."""


def label(key: str, lang: str, **values: object) -> str:
    """A dashboard word in `lang` (verdict.* and status.* are the shared ones)."""
    if key.startswith(("verdict.", "status.")):
        return t(key, lang)
    if key.startswith("dashboard."):
        return t(key, "en" if lang == "en" else "vi", **values)
    return t(f"dashboard.{key}", "en" if lang == "en" else "vi", **values)
