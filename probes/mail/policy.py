"""MTA-STS (RFC 8461) and TLS-RPT (RFC 8460): the TXT records and the MTA-STS policy file over HTTPS.

The policy is fetched from `https://mta-sts.<domain>/.well-known/mta-sts.txt` with certificate
checks on (section 3.3: a policy behind an invalid certificate is no policy). The address comes
from the probe's own resolver, the name goes in SNI and Host. A refused or silent server is not a
measurement (`PolicyFetchError`); a 404, a bad certificate or a malformed file is a finding.
"""

from __future__ import annotations

import ssl
from typing import Any

from audit.phrases import said
from probes.netreason import exception_reason, exception_said


class PolicyFetchError(Exception):
    """The policy host did not give a usable answer (timeout, refused, 5xx, too large)."""


MAX_POLICY_BYTES = 64 * 1024
"""RFC 8461 section 3.2 caps a policy at 64 KB."""


def parse_policy(text: str) -> dict[str, Any]:
    """`key: value` lines of an MTA-STS policy (section 3.2), with the errors found."""
    fields: dict[str, Any] = {"mx": []}
    errors = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            if line.strip():
                errors.append(said("probe.mail.policy.line", line=line[:40]))
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "mx":
            fields["mx"].append(value.lower().rstrip("."))
        else:
            fields.setdefault(key, value)
    if fields.get("version") != "STSv1":
        errors.append(said("probe.mail.policy.version"))
    mode = str(fields.get("mode", "")).lower()
    if mode not in ("enforce", "testing", "none"):
        errors.append(said("probe.mail.policy.mode"))
    max_age = str(fields.get("max_age", ""))
    if not max_age.isdigit():
        errors.append(said("probe.mail.policy.max_age"))
    if mode in ("enforce", "testing") and not fields["mx"]:
        errors.append(said("probe.mail.policy.no_mx"))
    return {"mode": mode, "mx": fields["mx"], "max_age_seconds": int(max_age) if max_age.isdigit() else 0,
            "errors": errors}


def mx_matches(mx: str, pattern: str) -> bool:
    """Whether MX host `mx` matches a policy `mx` pattern (section 4.1: `*.` covers one label)."""
    mx, pattern = mx.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = mx.partition(".")
        return bool(head) and rest == pattern[2:]
    return mx == pattern


async def fetch_policy(host: str, address: str, port: int, timeout_seconds: float, ca_file: str | None) -> dict[str, Any]:
    """Fetch and parse the policy from `address`; facts-ready dict, or PolicyFetchError if unanswered."""
    import httpx

    context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    connect = f"[{address}]" if ":" in address else address
    url = f"https://{connect}:{port}/.well-known/mta-sts.txt"
    try:
        async with httpx.AsyncClient(verify=context, timeout=timeout_seconds, follow_redirects=False) as client:
            async with client.stream("GET", url, headers={"Host": host if port == 443 else f"{host}:{port}"},
                                     extensions={"sni_hostname": host}) as response:
                status = response.status_code
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_POLICY_BYTES:
                        return {"fetched": False, "why": said("probe.mail.policy_too_large", limit=MAX_POLICY_BYTES)}
    except httpx.ConnectError as exc:
        if isinstance(exc.__cause__, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return {"fetched": False, "why": said("probe.mail.policy_certificate", host=host, error=exception_reason(exc))}
        raise PolicyFetchError(said("probe.mail.policy_unreachable", host=host, where=f"{address}:{port}",
                                      error=exception_reason(exc))) from None
    except httpx.HTTPError as exc:
        raise PolicyFetchError(said("probe.mail.policy_unreachable", host=host, where=f"{address}:{port}",
                                      error=exception_said(exc))) from None
    if status >= 500 or status == 429:
        raise PolicyFetchError(said("probe.mail.policy_http_error", host=host, status=status))
    if status != 200:
        return {"fetched": False, "why": said("probe.mail.policy_not_200", status=status)}
    return {"fetched": True, "why": "", **parse_policy(body.decode("utf-8", "replace"))}


def tag_record(txts: list[str], version: str) -> dict[str, str] | None:
    """The `tag=value;` pairs of the one TXT record starting with `v=<version>`, or None."""
    for text in txts:
        tags = {}
        for part in text.split(";"):
            key, sep, value = part.partition("=")
            if sep:
                tags[key.strip().lower()] = value.strip()
        if tags.get("v") == version:
            return tags
    return None
