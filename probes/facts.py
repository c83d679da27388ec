"""Fact declarations: the names a probe may publish and a checklist may use, kept as data.

Each probe family declares its facts in `probes/<name>/facts.yaml` (a list of `name`, `type` and a
bilingual `description: {vi: ..., en: ...}`, both languages required). Reading them imports no probe
code, so loading and validating a checklist costs a YAML file per probe, not the probes' libraries. A final `.*` segment declares a family (for example
`http.headers.*`) whose last segment is chosen at run time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

FACT_TYPES = ("bool", "int", "float", "str", "list", "object", "any")
"""Types a fact may declare. 'list' holds plain values or objects; 'any' is for mixed facts."""

_FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_\-]+(\.[0-9]+)?)*(\.\*)?$")


@dataclass(frozen=True)
class FactSpec:
    """A fact a probe may publish.

    `name` is dotted; a final `*` segment declares a family (for example `http.headers.*`), where
    the last segment is chosen at run time (a header name, a protocol name). `description` is the
    English text, `description_vi` the Vietnamese; `describe(lang)` picks one.
    """

    name: str
    type: str
    description: str
    description_vi: str

    def describe(self, lang: str) -> str:
        """The description in `lang` ('vi' or 'en'; anything else gets the English)."""
        return self.description_vi if lang == "vi" else self.description

    def matches(self, fact: str) -> bool:
        """Whether the fact name `fact` is this spec, or a member of this family."""
        if not self.name.endswith(".*"):
            return fact == self.name
        prefix = self.name[:-1]
        return fact.startswith(prefix) and len(fact) > len(prefix)


def is_valid_fact_name(name: str) -> bool:
    """Whether `name` is a well-formed dotted fact name (segments may carry a version like 'TLSv1.0')."""
    return bool(_FACT_NAME.match(name))


@functools.lru_cache(maxsize=None)
def declared_facts(probe: str) -> tuple[FactSpec, ...]:
    """The facts probe `probe` declares, read from `probes/<probe>/facts.yaml`."""
    text = (Path(__file__).parent / probe / "facts.yaml").read_text(encoding="utf-8")  # package data, no importlib.resources: start-up
    return parse_facts(text, probe, f"probes/{probe}/facts.yaml")


def parse_facts(text: str, probe: str, where: str) -> tuple[FactSpec, ...]:
    """Fact declarations from the YAML `text` of probe `probe`.

    The files ship with the package and are ours, but a broken one is still refused with its name
    and entry: ValueError for a wrong shape, type or name, a description without both a non-empty
    `vi` and `en` (or with another key), a fact outside the probe's namespace, or a fact declared twice.
    """
    import yaml  # here, not at the top: running a probe needs no YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        entries = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{where}: expected a list of facts")
    specs: list[FactSpec] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"name", "type", "description"}:
            raise ValueError(f"{where}: entry {i + 1} must have exactly name, type and description")
        name, type_ = str(entry["name"]), str(entry["type"])
        if not is_valid_fact_name(name) or not name.startswith(f"{probe}."):
            raise ValueError(f"{where}: '{name}' is not a fact name under '{probe}.'")
        if type_ not in FACT_TYPES:
            raise ValueError(f"{where}: '{name}' has type '{type_}'; expected one of {', '.join(FACT_TYPES)}")
        text = entry["description"]
        if not isinstance(text, dict):
            raise ValueError(f"{where}: '{name}' (entry {i + 1}): description must be a mapping with vi and en")
        missing = [lang for lang in ("vi", "en") if not isinstance(text.get(lang), str) or not text[lang].strip()]
        other = sorted(str(key) for key in text if key not in ("vi", "en"))
        if missing or other:
            problem = f"no {' and '.join(missing)} text" if missing else f"unknown key {', '.join(other)}"
            raise ValueError(f"{where}: '{name}' (entry {i + 1}): description has {problem}; it needs exactly vi and en")
        if any(spec.name == name for spec in specs):
            raise ValueError(f"{where}: '{name}' is declared twice")
        specs.append(FactSpec(name, type_, text["en"], text["vi"]))
    return tuple(specs)
