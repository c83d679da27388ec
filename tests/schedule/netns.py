"""Two "machines" on one host for the multi-machine queue test: Linux network namespaces on a bridge.

Each machine is a network namespace with one end of a veth pair; the other ends hang on a bridge in
this (the root) namespace, which carries the shared services' address. Only 10.200.0.0/24 is used,
on interfaces this module creates and deletes: the bridge has 10.200.0.1 (Redis, PostgreSQL) and the
audited hosts' addresses, the machines 10.200.0.11, .12 ... No route leads anywhere else.

Needs root and `ip` (iproute2, installed by .ci/run). When either is missing the test fails with
the reason; it never skips, because a multi-machine deployment that is not tested is not shown to
work. Runs of this test on one host take a file lock, since the names and addresses are fixed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

PREFIX = "l3m"
"""Every namespace and interface this module creates starts with it (a leftover is ours to delete)."""
BRIDGE = f"{PREFIX}-br"
SUBNET_PREFIX = "10.200.0."
SERVICES = f"{SUBNET_PREFIX}1"
"""The bridge's address, where Redis and PostgreSQL listen for every machine."""
LOCK = Path("/tmp/l3audit-two-machines.lock")


@dataclass(frozen=True)
class Machine:
    """One namespace: its name, its address on the bridge, and the host name its processes see."""

    namespace: str
    address: str
    hostname: str

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv` run inside this machine: its network namespace, and a UTS namespace with its host name
        (so `run.origin` and the job's worker name tell the machines apart). Every step execs, so the
        process id is the worker's own and a SIGKILL reaches it."""
        return ["ip", "netns", "exec", self.namespace, "unshare", "--uts", "--",
                "sh", "-c", 'hostname "$0" && exec "$@"', self.hostname, *argv]


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done


def _require() -> None:
    """Fail (not skip) with what is missing."""
    if shutil.which("ip") is None:
        pytest.fail("`ip` is missing (hint: apt-get install iproute2; .ci/run installs it)", pytrace=False)
    for tool in ("unshare", "sh", "hostname"):
        if shutil.which(tool) is None:
            pytest.fail(f"`{tool}` is missing (util-linux, hostname): the machines need their own host names",
                        pytrace=False)
    if os.geteuid() != 0:
        pytest.fail("network namespaces need root: run this test as root (CI does)", pytrace=False)


def _remove_ours() -> None:
    """Delete every namespace and link of ours (a crashed run's leftovers, or this run's)."""
    for line in _ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        if name.startswith(PREFIX + "-"):
            _ip("netns", "delete", name, check=False)  # its veth end goes, and so its pair
    for line in _ip("-o", "link", "show", check=False).stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0] if ":" in line else ""
        if name.startswith(PREFIX + "-") or name.startswith(PREFIX + "v"):
            _ip("link", "delete", name, check=False)


@contextlib.contextmanager
def machines(count: int, extra_addresses: Sequence[str] = ()) -> Iterator[list[Machine]]:
    """`count` machines on one bridge; `extra_addresses` (in 10.200.0.0/24) also go on the bridge, for
    servers every machine reaches. Everything is deleted on exit, whatever happened."""
    _require()
    LOCK.touch(exist_ok=True)
    with LOCK.open("r+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _remove_ours()
        try:
            try:
                _ip("link", "add", BRIDGE, "type", "bridge")
                _ip("addr", "add", f"{SERVICES}/24", "dev", BRIDGE)
                for address in extra_addresses:
                    if not address.startswith(SUBNET_PREFIX):
                        raise ValueError(f"{address} is outside 10.200.0.0/24")
                    _ip("addr", "add", f"{address}/32", "dev", BRIDGE)
                _ip("link", "set", BRIDGE, "up")
                found = []
                for index in range(count):
                    machine = Machine(f"{PREFIX}-{index}", f"{SUBNET_PREFIX}{11 + index}", f"may-{index}")
                    outside, inside = f"{PREFIX}v{index}o", f"{PREFIX}v{index}i"
                    _ip("netns", "add", machine.namespace)
                    _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
                    _ip("link", "set", inside, "netns", machine.namespace)
                    _ip("link", "set", outside, "master", BRIDGE)
                    _ip("link", "set", outside, "up")
                    _ip("-n", machine.namespace, "addr", "add", f"{machine.address}/24", "dev", inside)
                    _ip("-n", machine.namespace, "link", "set", inside, "up")
                    _ip("-n", machine.namespace, "link", "set", "lo", "up")
                    found.append(machine)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                pytest.fail(f"could not build the test's network namespaces: {exc}", pytrace=False)
            yield found
        finally:
            _remove_ours()
