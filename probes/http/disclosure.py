"""Version disclosure: which software a site names, with the version, in headers and meta tags.

OWASP Secure Headers Project (`ci/headers_remove.json`) lists Server, X-Powered-By, X-AspNet-Version
and similar headers as ones to remove; a CMS `<meta name="generator">` (WordPress, Joomla, Drupal)
tells the same story. A version number lets an attacker pick known exploits, so we report the
product and version of each, and `disclosed` only when a version is given. Pure functions.
"""

from __future__ import annotations

import re
from typing import Any

DISCLOSING_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator",
                      "x-drupal-cache", "x-runtime", "x-version")
"""Headers whose value names server-side software (OWASP headers_remove.json, a subset)."""
# "nginx/1.18.0", "Apache/2.4.41 (Ubuntu)", "PHP/7.4.3", "WordPress 6.4.2", "Joomla! - Open Source ..."
_PRODUCT = re.compile(r"([A-Za-z][\w.!+\- ]*?)\s*(?:/|\s+v?|-)\s*v?(\d+(?:\.\d+)+[a-z]?\b|\d+\b)")
_BARE_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+)+)\s*$")


def parse_products(value: str) -> list[dict[str, str]]:
    """Products named in a header or meta value, each {product, version} (version may be '')."""
    value = value[:300]
    found = [{"product": m.group(1).strip(" -!"), "version": m.group(2)} for m in _PRODUCT.finditer(value)]
    if not found:
        bare = _BARE_VERSION.match(value)
        if bare:
            return [{"product": "", "version": bare.group(1)}]
        name = value.split("(")[0].split(";")[0].strip()
        return [{"product": name[:80], "version": ""}] if name else []
    return found


def disclosures(headers: dict[str, str], generators: list[str]) -> list[dict[str, Any]]:
    """Every disclosing header and generator meta tag, with the products and versions it names."""
    items: list[dict[str, Any]] = []
    for name in DISCLOSING_HEADERS:
        value = headers.get(name)
        if value:
            for product in parse_products(value) or [{"product": "", "version": ""}]:
                items.append({"source": f"header {name}", **product})
    for value in generators:
        for product in parse_products(value):
            items.append({"source": "meta generator", **product})
    return items
