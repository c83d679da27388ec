"""Forms on the pages a visitor gets: where they post, and passwords asked over plain HTTP.

TCVN 11930 L3-APP-AUTH-02 asks that credentials travel only over encrypted channels. From outside
that is measurable on the markup: a form whose action resolves to `http://` sends its fields in
clear text (W3C Mixed Content calls it a form submission downgrade; browsers warn), and a password
field on a page served over plain HTTP is typed into an unprotected page, wherever it posts.
"""

from __future__ import annotations

from typing import Any

from probes.http.html import MAX_LISTED, Page, form_target


def form_facts(final_url: str, page: Page | None, plain_url: str | None, plain: Page | None) -> dict[str, Any]:
    """`http.forms.*` from the landing page (`page`; None when it is not HTML: no forms) and, when
    plain HTTP served a page itself, that page."""
    page = page or Page()
    targets = [(f, form_target(f.action, final_url, page.base_href)) for f in page.forms]
    insecure = [t for _f, t in targets if t and t.startswith("http://")]
    logins: list[dict[str, Any]] = [{"action": (t or "")[:500], "method": f.method, "secure": bool(t and t.startswith("https://"))}
                                    for f, t in targets if f.password]
    over_http: list[str] = [str(entry["action"]) for entry in logins if str(entry["action"]).startswith("http://")]
    if final_url.startswith("http://") and (logins or page.loose_passwords):
        over_http.append(final_url[:500])
    if plain is not None and plain_url and (any(f.password for f in plain.forms) or plain.loose_passwords):
        over_http.append(plain_url[:500])
    return {
        "http.forms.count": len(page.forms),
        "http.forms.insecure_targets": insecure[:MAX_LISTED],
        "http.forms.insecure_target_count": len(insecure),
        "http.forms.login_count": len(logins) + (1 if page.loose_passwords else 0),
        "http.forms.login_forms": logins[:MAX_LISTED],
        "http.forms.password_over_http": bool(over_http),
        "http.forms.password_over_http_on": sorted(set(over_http))[:MAX_LISTED],
    }
