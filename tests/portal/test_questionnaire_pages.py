"""The questionnaire paged by requirement group: catalogue order, an index with progress per group,
previous / next, saving a row returns to its group without rendering a page, all without script."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.selfassess.questionnaire import questions
from tests.portal.conftest import CHECKLIST, csrf_of, login

CATALOGUE = load_checklist(resolve_checklist(CHECKLIST))
QUESTIONS = questions(CATALOGUE)
ORDER = [g.id for g in CATALOGUE.groups if any(q.group == g.id for q in QUESTIONS)]


def _group(group_id: str) -> list[str]:
    return [q.requirement_id for q in QUESTIONS if q.group == group_id]


def test_one_page_per_group_in_the_catalogues_order_with_previous_and_next(client: FlaskClient) -> None:
    # Given an outlet member logged in
    login(client, "alice")
    # When the questionnaire is opened
    first = client.get("/outlet/o1/questionnaire").text
    # Then it shows the catalogue's first group only, and an index of every group in catalogue order
    assert ORDER != sorted(ORDER)  # the catalogue's order is not the alphabet's (the old groupby)
    links = re.findall(r'href="/outlet/o1/questionnaire/([^"#]+)"', first.split('class="pager"')[0])
    assert links == ORDER
    assert all(f'id="r-{r}"' in first for r in _group(ORDER[0]))
    assert not any(f'id="r-{r}"' in first for g in ORDER[1:] for r in _group(g))
    assert 'rel="prev"' not in first and f'rel="next" href="/outlet/o1/questionnaire/{ORDER[1]}"' in first
    # And each group page has its questions, previous and next; an unknown group is 404
    for n, group in enumerate(ORDER):
        page = client.get(f"/outlet/o1/questionnaire/{group}").text
        assert [m for m in re.findall(r'<article id="r-([^"]+)"', page)] == _group(group)
        assert 'aria-current="page">' in page
        assert ('rel="prev"' in page) == (n > 0) and ('rel="next"' in page) == (n + 1 < len(ORDER))
    assert client.get("/outlet/o1/questionnaire/NO-SUCH").status_code == 404
    assert len(first) < 0.5 * sum(len(client.get(f"/outlet/o1/questionnaire/{g}").text) for g in ORDER)


def test_index_counts_answered_and_mandatory_unanswered_per_group(client: FlaskClient) -> None:
    # Given two answers saved in the last group, one a note without an answer chosen
    login(client, "alice")
    last = ORDER[-1]
    rows = _group(last)
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    saved = client.post("/outlet/o1/answers", data={"requirement_id": rows[0], "answer": "implemented", "csrf_token": token})
    # Then saving without script redirects to the row on its own group's page (no page rendered)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/outlet/o1/questionnaire/{last}#r-{rows[0]}")
    assert not saved.data or b"<article" not in saved.data
    client.post("/outlet/o1/answers", data={"requirement_id": rows[-1], "answer": "", "text": "ghi chú", "csrf_token": token})
    page = client.get(f"/outlet/o1/questionnaire/{last}").text
    # And the index says 1 answered of the group, and the mandatory questions still open
    item = page.split(f'href="/outlet/o1/questionnaire/{last}"')[1].split("</li>")[0]
    assert f"đã trả lời 1/{len(rows)}" in item
    mandatory = sum(1 for q in QUESTIONS if q.group == last and q.mandatory and q.requirement_id != rows[0])
    assert (f"{mandatory} câu bắt buộc chưa trả lời" in item) == (mandatory > 0)
    other = page.split(f'href="/outlet/o1/questionnaire/{ORDER[0]}"')[1].split("</li>")[0]
    assert f"đã trả lời 0/{len(_group(ORDER[0]))}" in other
    assert "ghi chú" in page
    # And in English
    client.get("/lang/en")
    english = client.get(f"/outlet/o1/questionnaire/{last}").text
    assert f"1 of {len(rows)} answered" in english and "Question groups" in english
