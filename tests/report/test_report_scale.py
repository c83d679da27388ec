"""Large results stay quick to render: hundreds of requirements, thousands of probe facts.

A benchmark note, not a timed assertion (shared CI machines vary): the time is printed (`-s`) and
recorded in docs/reports.md; the test checks that everything was rendered.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from audit.report import build_view, render

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def big_result(requirements: int = 600, facts_per_attempt: int = 1000, attempts: int = 6) -> dict[str, Any]:
    """A stored result grown to `requirements` requirement results and attempts * facts facts."""
    data = json.loads((GOLDEN / "result-hostile.json").read_text(encoding="utf-8"))
    template = data["requirements"][1]
    data["requirements"] = []
    for i in range(requirements):
        req = json.loads(json.dumps(template))
        req["requirement_id"] = f"BIG-{i:04d}"
        req["status"] = ("pass", "fail", "error", "manual")[i % 4]
        req["sites"] = req["sites"] * 2
        data["requirements"].append(req)
    base = data["probe_attempts"][0]
    data["probe_attempts"] = []
    for a in range(attempts):
        attempt = dict(base)
        attempt["facts"] = {f"http.headers.x-bench-{a}-{n}": "v" * (n % 400) for n in range(facts_per_attempt)}
        data["probe_attempts"].append(attempt)
    data["summary"].pop("counts")
    return data


def test_hundreds_of_requirements_and_thousands_of_facts_render(capsys) -> None:
    data = big_result()
    start = time.perf_counter()
    view = build_view(data, None, "vi")
    built = time.perf_counter()
    html = render(data, None, "html", "vi")
    rendered = time.perf_counter()
    markdown = render(data, None, "md", "en")
    done = time.perf_counter()
    assert len(view["groups"][0]["requirements"]) == 600
    assert html.count(b'class="req ') == 600 and html.count(b"x-bench-") >= 6000
    assert markdown.count(b"#### BIG-") == 600
    with capsys.disabled():
        print(f"\n[bench] 600 requirements, 6000 facts: view {built - start:.2f} s, html {rendered - built:.2f} s "
              f"({len(html) // 1024} KiB), markdown {done - rendered:.2f} s")
