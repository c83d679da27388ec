"""The explicit table of probes: name -> probe class. Adding a probe is one line here.

Checklists find the probe behind a fact by the fact's first segment (`tls.` -> `tls`).
"""

from __future__ import annotations

from probes.exposure import ExposureProbe
from probes.http import HttpProbe
from probes.interface import FactSpec, Probe
from probes.ports import PortsProbe
from probes.tls import TlsProbe

PROBES: dict[str, type[Probe]] = {
    TlsProbe.name: TlsProbe,
    HttpProbe.name: HttpProbe,
    PortsProbe.name: PortsProbe,
    ExposureProbe.name: ExposureProbe,
}


def probe_names() -> list[str]:
    """Registered probe names, sorted."""
    return sorted(PROBES)


def get_probe(name: str) -> Probe:
    """A fresh instance of the named probe; KeyError if there is none."""
    return PROBES[name]()


def fact_spec(fact: str) -> FactSpec | None:
    """The declaration of `fact` by the probe its first segment names, or None if undeclared."""
    probe = PROBES.get(fact.split(".", 1)[0])
    if probe is None:
        return None
    return next((spec for spec in probe.facts if spec.matches(fact)), None)


def declared_fact_names() -> list[str]:
    """Every declared fact name (families end in '.*'), for hints and documentation."""
    return [spec.name for probe in PROBES.values() for spec in probe.facts]
