"""Facts one probe can only complete with another probe's measurement of the same site.

The SSL Labs grade is the `tls` probe's, but its A+ depends on HSTS, a header only the `http`
probe reads. After every probe of a site has run, `complete_site` hands the http facts to the
grade (`probes.tls.grade.with_hsts`). Only completed attempts are combined: an http attempt that
could not measure leaves the grade at A with its `hsts_unknown` warning, never A+.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit
from collections.abc import MutableMapping

from audit.models import AttemptStatus, ProbeAttempt


def complete_site(attempts: MutableMapping[str, ProbeAttempt],
                  done: dict[tuple[int, str], tuple[ProbeAttempt, ProbeAttempt]] | None = None) -> None:
    """Replace the site's tls attempt by one whose grade facts include the site's HSTS, when both measured.

    `done` (one per run) keeps each combination made, so the tls attempt that two outlets share stays
    one attempt: the same tls attempt completed the same way is always the same object.
    """
    tls, http = attempts.get("tls"), attempts.get("http")
    if tls is None or http is None or AttemptStatus.ERROR in (tls.status, http.status):
        return
    from probes.tls.grade import with_hsts  # loaded already: the site had a tls attempt

    extra = with_hsts(tls.facts, http.facts, urlsplit(tls.target).hostname or "")
    if not extra:
        return
    key = (id(tls), repr(sorted(extra.items())))
    if done is not None and key in done:
        attempts["tls"] = done[key][1]
        return
    combined = dataclasses.replace(tls, facts={**tls.facts, **extra})
    attempts["tls"] = combined
    if done is not None:
        done[key] = (tls, combined)  # the original is kept alive, so its id is not reused
