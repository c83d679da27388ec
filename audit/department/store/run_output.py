"""`l3audit run --db`: a run output that also stores each result in the database as it is written.

The folder stays the primary record (files first, then the database), and `--resume` takes the
union of both: an outlet kept in the folder but missing from the database (killed between the two
writes) is stored on resume, an outlet stored in the database but missing from the folder counts as
done. A run is one round; `--resume` continues the latest unfinished round of the same checklist,
so nothing is lost and nothing already stored is audited again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.catalogue.loader import Checklist
from audit.models import Outlet, OutletResult
from audit.output import RunOutput
from audit.department.store.store import Store, now_iso


@dataclass
class StoringRunOutput(RunOutput):
    """A RunOutput whose every written result is also stored in `store`, in round `round_id`."""

    store: Store | None = None
    round_id: int = 0
    stored: set[str] = field(default_factory=set)
    expected: frozenset[str] = frozenset()
    """Outlet ids of the inventory: once all are stored, the round is marked finished."""

    def finished(self) -> dict[str, dict[str, Any]]:
        """Outlets done in the folder or in the round; folder-only ones are stored now."""
        assert self.store is not None
        done = super().finished()
        in_round = self.store.round_documents(self.round_id) if self.stored else {}
        for outlet_id, data in done.items():
            if outlet_id not in in_round:
                self.store.add_result(data, self.round_id)
                self.stored.add(outlet_id)
        for outlet_id, data in in_round.items():
            done.setdefault(outlet_id, data)
        self._finish_if_complete()
        return done

    def write(self, result: OutletResult) -> dict[str, Any]:
        """Write the files, then store the result (one transaction)."""
        assert self.store is not None
        data = super().write(result)
        self.store.add_result(data, self.round_id)
        self.stored.add(result.outlet.id)
        self._finish_if_complete()
        return data

    def _finish_if_complete(self) -> None:
        assert self.store is not None
        if self.expected and self.expected <= self.stored:
            self.store.finish_round(self.round_id)
            self.expected = frozenset()


def open_run_output(db: str, folder: Path, checklist: Checklist, langs: tuple[str, ...],
                    resume: bool, outlets: Sequence[Outlet]) -> StoringRunOutput:
    """The output for `run --db`: a new round, or with `resume` the interrupted one of this checklist."""
    store = Store(db)
    round_id = store.unfinished_run_round(checklist.content_hash) if resume else None
    resumed = round_id is not None
    if round_id is None:
        round_id = store.start_round(f"run {now_iso()}", "run", checklist.content_hash)
    output = StoringRunOutput(folder, checklist, langs, store=store, round_id=round_id,
                              expected=frozenset(o.id for o in outlets))
    if resumed:
        output.stored = store.outlets_in_round(round_id)
    return output
