"""The explicit table of probes: name -> the module and class that implement it.

Adding a probe is one line here, its package under `probes/<name>/` and its `facts.yaml`. Classes
are imported only when a probe is run, so a command that runs one probe loads only that probe's
code, and checklist validation loads none (facts come from `probes.facts`, which reads data).
Checklists find the probe behind a fact by the fact's first segment (`tls.` -> `tls`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from probes.facts import FactSpec, declared_facts

if TYPE_CHECKING:
    from probes.interface import Probe

PROBES: dict[str, str] = {
    "tls": "probes.tls.probe:TlsProbe",
    "http": "probes.http.probe:HttpProbe",
    "ports": "probes.ports.probe:PortsProbe",
    "exposure": "probes.exposure.probe:ExposureProbe",
    "dns": "probes.dns.probe:DnsProbe",
    "mail": "probes.mail.probe:MailProbe",
}
"""Probe name -> 'module:class'. The class's `name` must equal its key here."""


def probe_names() -> list[str]:
    """Registered probe names, sorted."""
    return sorted(PROBES)


def probe_class(name: str) -> type[Probe]:
    """The class of the named probe, imported now; KeyError if there is none."""
    module_name, attr = PROBES[name].split(":")
    cls: type[Probe] = getattr(importlib.import_module(module_name), attr)
    return cls


def get_probe(name: str) -> Probe:
    """A fresh instance of the named probe; KeyError if there is none."""
    return probe_class(name)()


def fact_spec(fact: str) -> FactSpec | None:
    """The declaration of `fact` by the probe its first segment names, or None if undeclared."""
    probe = fact.split(".", 1)[0]
    if probe not in PROBES:
        return None
    return next((spec for spec in declared_facts(probe) if spec.matches(fact)), None)


def declared_fact_names() -> list[str]:
    """Every declared fact name (families end in '.*'), for hints and documentation."""
    return [spec.name for probe in probe_names() for spec in declared_facts(probe)]
