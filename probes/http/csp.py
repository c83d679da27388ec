"""Content-Security-Policy parsing and grading, as the MDN HTTP Observatory does it.

A port of `src/analyzer/cspParser.js` and `src/analyzer/tests/csp.js` of @mdn/mdn-http-observatory
1.4.8 (algorithm version 4), so that our outcome equals the Observatory's. Besides the outcome we
name each failing directive and its problem, so a developer knows what to change without reading
the whole policy back. Pure functions: no I/O.

Known difference: the Observatory sorts sources with `Intl.Collator("en")` before dropping a source
that starts with its neighbour (`https://a.example/x` after `https://a.example`); we sort by code
point. Both orders put a prefix before its extensions, so only pathological policies differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

SHORTEST_POLICY_LENGTH = len("img-src") - 1
"""A policy shorter than this is invalid (cspParser.js SHORTEST_DIRECTIVE_LENGTH)."""
DIRECTIVES_DISALLOWED_IN_META = ("frame-ancestors", "report-uri", "sandbox")
"""HTML spec, http-equiv Content-Security-Policy: these are ignored in a meta element."""
ALLOWED_DUPLICATES = frozenset({"report-uri", "report-to"})
DUPLICATE_WARNINGS = "_observatory_duplicate_key_warnings"

DANGEROUSLY_BROAD = frozenset({"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"})
UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
BROAD_OR_INLINE = DANGEROUSLY_BROAD | UNSAFE_INLINE
PASSIVE_DIRECTIVES = ("img-src", "media-src")
NONCES_HASHES = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")

Policy = dict[str, set[str]]


class CspInvalidError(ValueError):
    """The policy cannot be parsed the way the Observatory accepts (empty, too short, duplicated)."""


@dataclass
class _Source:
    source: str
    index: int
    keep: bool


def parse_csp(policies: list[str]) -> Policy:
    """Parse one or more policies into directive -> set of lower-case sources (cspParser.js parseCsp).

    With several policies a source must appear in all of them to count, since browsers enforce
    every policy. Raises `CspInvalidError` for an empty or too-short policy or a repeated directive.
    """
    clean = [p.replace("\r", "").replace("\n", "").strip() for p in policies]
    if not clean:
        return {}
    for policy in clean:
        if not policy or len(policy) < SHORTEST_POLICY_LENGTH:
            raise CspInvalidError(f"invalid policy: {policy[:80]!r}")
    csp: dict[str, list[_Source]] = {}
    warnings: set[str] = set()
    for index, policy in enumerate(clean):
        seen: set[str] = set()
        for entry in policy.split(";"):
            tokens = entry.strip().split()
            if not tokens:
                continue
            directive, values = tokens[0].lower(), tokens[1:]
            if directive in seen:
                if directive not in ALLOWED_DUPLICATES:
                    raise CspInvalidError(f"duplicate directive {directive} in policy {index}")
                warnings.add(directive)
            seen.add(directive)
            keep = index == 0
            sources = [_Source(v.strip().lower(), index, keep) for v in values]
            if not values and directive.endswith("-src"):
                sources = [_Source("'none'", index, keep)]  # an empty source list means 'none'
            combined = list(sources) if index == 0 else [*csp.get(directive, []), *sources]
            combined.sort(key=lambda s: s.source)
            for i in range(1, len(combined)):
                current, prev = combined[i], combined[i - 1]
                if current.index == prev.index and current.source.startswith(prev.source):
                    current.keep = False  # a longer source after its own prefix adds nothing
                if current.index != prev.index and _path_part_match(prev.source, current.source):
                    current.keep = True  # present in both policies
            csp[directive] = [s for s in combined if s.keep]
            if index == 0 and len(policies) > 1:
                for source in csp[directive]:
                    source.keep = False
    result: Policy = {d: ({s.source for s in srcs} or {"'none'"}) for d, srcs in csp.items()}
    if warnings:
        result[DUPLICATE_WARNINGS] = warnings
    return result


def parse_csp_meta(policies: list[str]) -> Policy:
    """Parse policies from `<meta http-equiv>`, dropping directives only allowed in headers."""
    policy = parse_csp(policies)
    for directive in DIRECTIVES_DISALLOWED_IN_META:
        policy.pop(directive, None)
    return policy


def _path_part_match(path_a: str, path_b: str) -> bool:
    """cspParser.js pathPartMatch: whether source `path_a` covers `path_b` segment by segment."""
    if not path_a:
        return True
    if path_a == "/" and not path_b:
        return True
    exact = not path_a.endswith("/")
    parts_a, parts_b = path_a.split("/"), path_b.split("/")
    if len(parts_a) > len(parts_b) or (exact and len(parts_a) != len(parts_b)):
        return False
    if not exact:
        parts_a.pop()
    return all(unquote(a) == unquote(b) for a, b in zip(parts_a, parts_b))


@dataclass
class CspResult:
    """The Observatory outcome of a page's CSP, with what we name for the developer."""

    outcome: str
    present: bool = False
    report_only: bool = False
    source: str = ""
    """'header', 'meta' or 'header+meta'."""
    directives: dict[str, list[str]] = field(default_factory=dict)
    failing: list[dict[str, str]] = field(default_factory=list)
    """Each problem as {directive, problem}: the directive to change and what is wrong with it."""
    flags: dict[str, bool] = field(default_factory=dict)
    passed: bool = False


def _has_nonce_or_hash(sources: set[str]) -> bool:
    return any(s.startswith(prefix) for s in sources for prefix in NONCES_HASHES)


def analyse_csp(header: str | None, meta: list[str], report_only: str | None, https: bool) -> CspResult:
    """Grade a policy from the (Node-joined) header, the meta policies and the Report-Only header.

    `https` is whether the scanned session started on HTTPS (the Observatory's `session.url`);
    only then are `http:` sources counted as insecure. Mirrors csp.js contentSecurityPolicyTest.
    """
    headers = [header] if header is not None else []
    try:
        csp = parse_csp(headers + meta)
    except CspInvalidError:
        return CspResult("csp-header-invalid", present=True, failing=[{"directive": "*", "problem": "invalid"}])
    try:
        header_only = parse_csp(headers)
    except CspInvalidError:
        header_only = {}
    try:
        meta_csp = parse_csp_meta(meta)
    except CspInvalidError:
        meta_csp = {}
    if not header_only and not meta_csp:
        if report_only:
            return CspResult("csp-not-implemented-but-reporting-enabled", report_only=True,
                             failing=[{"directive": "content-security-policy", "problem": "report-only"}])
        return CspResult("csp-not-implemented", failing=[{"directive": "content-security-policy", "problem": "missing"}])

    result = CspResult("", present=True, report_only=bool(report_only),
                       source="+".join(s for s, on in (("header", bool(headers)), ("meta", bool(meta))) if on))
    failing = result.failing
    outcome: str | None = None

    def fallback(name: str) -> tuple[str, set[str]]:
        # The same set object, not a copy: csp.js edits these sets in place (removing
        # 'unsafe-inline' next to a nonce), and the edits show through `default-src` everywhere.
        if name in csp:
            return name, csp[name]
        if "default-src" in csp:
            return "default-src", csp["default-src"]
        return f"{name} (default-src missing)", {"*"}

    base_uri = csp.get("base-uri", {"*"})
    frame_ancestors = header_only.get("frame-ancestors", {"*"})  # only valid in a header
    form_action = csp.get("form-action", {"*"})
    object_name, object_src = fallback("object-src")
    script_name, script_src = fallback("script-src")
    style_name, style_src = fallback("style-src")

    for sources in (script_src, style_src):  # a nonce or hash makes browsers ignore 'unsafe-inline'
        if _has_nonce_or_hash(sources):
            sources.discard("'unsafe-inline'")
    if _has_nonce_or_hash(script_src) and "'strict-dynamic'" in script_src:
        for source in list(script_src):
            if any(source.startswith(b) for b in DANGEROUSLY_BROAD) or source in ("'self'", "'unsafe-inline'"):
                script_src.discard(source)
        result.flags["strict_dynamic"] = True
    elif "'strict-dynamic'" in script_src:
        outcome = "csp-header-invalid"
        failing.append({"directive": script_name, "problem": "strict-dynamic-without-nonce-or-hash"})

    active = [s for d, srcs in csp.items() if d not in PASSIVE_DIRECTIVES and d != "script-src" for s in srcs]
    active += list(script_src)
    passive = [s for d in PASSIVE_DIRECTIVES for s in csp.get(d, csp.get("default-src", set()))]

    bad_script = sorted(s for s in script_src if s in BROAD_OR_INLINE)
    bad_object = sorted(s for s in object_src if s in DANGEROUSLY_BROAD)
    if bad_script or bad_object:
        outcome = outcome or "csp-implemented-with-unsafe-inline"
        result.flags["unsafe_inline"] = True
        for name, bad in ((script_name, bad_script), (object_name, bad_object)):
            for source in bad:
                failing.append({"directive": name, "problem": _problem(source)})

    def insecure(sources: list[str]) -> bool:
        return any(s.startswith(("http:", "ftp:")) for s in sources)

    if https and insecure(active):
        outcome = outcome or "csp-implemented-with-insecure-scheme"
        result.flags["insecure_scheme_active"] = True
        for directive, srcs in sorted(csp.items()):
            if directive not in PASSIVE_DIRECTIVES and directive != DUPLICATE_WARNINGS and insecure(list(srcs)):
                failing.append({"directive": directive, "problem": "insecure-scheme"})
    if "'unsafe-eval'" in script_src | style_src:
        outcome = outcome or "csp-implemented-with-unsafe-eval"
        result.flags["unsafe_eval"] = True
        for name, srcs in ((script_name, script_src), (style_name, style_src)):
            if "'unsafe-eval'" in srcs:
                failing.append({"directive": name, "problem": "unsafe-eval"})
    if https and insecure(passive):
        outcome = outcome or "csp-implemented-with-insecure-scheme-in-passive-content-only"
        result.flags["insecure_scheme_passive"] = True
        for directive in PASSIVE_DIRECTIVES:
            name = directive if directive in csp else "default-src"
            if insecure(list(csp.get(directive, csp.get("default-src", set())))):
                failing.append({"directive": name, "problem": "insecure-scheme-passive"})
    if any(s in BROAD_OR_INLINE for s in style_src):
        outcome = outcome or "csp-implemented-with-unsafe-inline-in-style-src-only"
        result.flags["unsafe_inline_style"] = True
        failing.append({"directive": style_name, "problem": "unsafe-inline-style"})
    default_none = csp.get("default-src") == {"'none'"}
    result.flags["default_none"] = default_none
    outcome = outcome or ("csp-implemented-with-no-unsafe-default-src-none" if default_none
                          else "csp-implemented-with-no-unsafe")

    result.flags["anti_clickjacking"] = not (frame_ancestors & DANGEROUSLY_BROAD)
    result.flags["insecure_base_uri"] = bool(base_uri & BROAD_OR_INLINE)
    result.flags["insecure_form_action"] = bool(form_action & DANGEROUSLY_BROAD)
    result.flags["unsafe_objects"] = bool(object_src & DANGEROUSLY_BROAD)
    for flag, directive in (("anti_clickjacking", "frame-ancestors"),):
        if not result.flags[flag]:
            failing.append({"directive": directive, "problem": "missing" if directive not in header_only else "broad-source"})
    if result.flags["insecure_form_action"]:
        failing.append({"directive": "form-action", "problem": "missing" if "form-action" not in csp else "broad-source"})
    if result.flags["insecure_base_uri"]:
        failing.append({"directive": "base-uri", "problem": "missing" if "base-uri" not in csp else "broad-source"})

    passing = {"csp-implemented-with-no-unsafe", "csp-implemented-with-no-unsafe-default-src-none",
               "csp-implemented-with-unsafe-inline-in-style-src-only",
               "csp-implemented-with-insecure-scheme-in-passive-content-only"}
    if outcome in passing:
        result.passed = True
        if DUPLICATE_WARNINGS in csp:
            outcome = "csp-implemented-but-duplicate-directives"
    result.outcome = outcome
    result.directives = {d: sorted(s) for d, s in csp.items() if d != DUPLICATE_WARNINGS}
    return result


def _problem(source: str) -> str:
    """A short code for why a source is unsafe where it appears."""
    if source == "'unsafe-inline'":
        return "unsafe-inline"
    if source == "data:":
        return "data-scheme"
    return f"broad-source {source}"
