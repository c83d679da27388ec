"""What probes say (how they measured, why they could not) reaches a `--lang vi` report in Vietnamese.

Given real lab servers on 127.31.1.0/24 that block the audit (a WAF page), throttle it (HTTP 429)
or never answer (a timeout), when a site is scanned and its result reported in Vietnamese (Markdown
and HTML), then the evidence section says the probes' methods and reasons in Vietnamese and no
English sentence is left; the result JSON still stores the English text, with its phrase beside it.
The demo's results read the same, and `l3audit probe http --lang vi` prints Vietnamese.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.servers import BannerListener, free_port
from audit.i18n import t
from audit.phrases import PhraseText, encode, say_stored, said, translate_within
from tests.probes.http.http_servers import Reply, Site, make_certificates, serve
from tests.test_vietnamese_errors import english_sentences
from tests.test_vietnamese_output import english_in

BLOCK_PAGE = b"<!doctype html><title>Attention Required! | Cloudflare</title><p>Sorry, you have been blocked</p>"


def invoke(*args: str | Path, lang: str = "vi") -> tuple[int, str]:
    """Run one command in `lang` (English everywhere else) and return its exit code and output."""
    result = CliRunner().invoke(cli, [str(a) for a in args] + ["--lang", lang], catch_exceptions=False,
                                env={"L3AUDIT_LANG": "en"})
    return result.exit_code, result.output


@contextlib.contextmanager
def silent_listener(host: str) -> Iterator[int]:
    """A TCP port on `host` that accepts connections and never answers (a stalled server: timeouts)."""
    with BannerListener(host, 0, stall=True) as listener:
        yield int(listener.port)


def visible(text: str) -> str:
    """The words a reader sees in an HTML report: tags, styles and scripts removed, entities decoded."""
    text = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", text)
    return html.unescape(re.sub(r"<[^>]+>", "\n", text))


def english_left(text: str) -> list[str]:
    """English catalogue texts and English sentences in `text`."""
    return english_in(text) + english_sentences(text)


@pytest.fixture(scope="module")
def lab_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Result files of three hostile lab sites: a WAF block page, a 429 and a server that never answers."""
    folder = tmp_path_factory.mktemp("probe-texts")
    certs = make_certificates(folder)
    blocked = Site("blocked", http={"*": Reply(status=403, body=BLOCK_PAGE)})
    throttled = Site("throttled", http={"*": Reply(status=429, headers=(("Content-Type", "text/plain"),),
                                                   body=b"slow down")})
    results: dict[str, Path] = {}
    with serve(blocked, "127.31.1.11", certs) as one, serve(throttled, "127.31.1.12", certs) as two, \
            silent_listener("127.31.1.13") as silent_port:
        for name, host, port in (("blocked", one.host, one.http_port), ("throttled", two.host, two.http_port),
                                 ("timeout", "127.31.1.13", silent_port)):
            results[name] = folder / f"{name}.json"
            code, output = invoke("scan", f"http://{host}:{port}", "--http-port", str(port), "--no-nmap",
                                  "--timeout", "1", "--json", results[name])
            assert results[name].exists(), output
            (folder / f"{name}.out").write_text(output, encoding="utf-8")
    closed, closed_http = free_port("127.31.1.14"), free_port("127.31.1.14")  # nothing listens: refused
    results["refused"] = folder / "refused.json"
    code, output = invoke("scan", f"https://127.31.1.14:{closed}", "--http-port", str(closed_http), "--no-nmap",
                          "--timeout", "1", "--json", results["refused"])
    assert results["refused"].exists(), output
    (folder / "refused.out").write_text(output, encoding="utf-8")
    return results


@pytest.mark.parametrize("case", ["blocked", "throttled", "timeout", "refused"])
def test_scan_prints_the_unmeasured_rows_in_vietnamese(lab_results: dict[str, Path], case: str) -> None:
    output = lab_results[case].with_suffix(".out").read_text(encoding="utf-8")
    assert t("status.error", "vi") in output and "Không đo được trên" in output
    assert english_left(output) == [], english_left(output)


def test_the_result_keeps_english_and_stores_the_phrase_beside_it(lab_results: dict[str, Path]) -> None:
    data = json.loads(lab_results["blocked"].read_text(encoding="utf-8"))
    http = next(a for a in data["probe_attempts"] if a["probe"] == "http")
    assert http["method"].startswith("httpx GET of / over http and https")
    assert http["phrases"][http["method"]] == {"phrase": "probe.http.method", "values": {}}
    exposure = next(a for a in data["probe_attempts"] if a["probe"] == "exposure")
    assert exposure["status"] == "error" and "blocked (HTTP 403, block page: " in exposure["error_reason"]
    stored = exposure["phrases"][exposure["error_reason"]]
    assert stored["phrase"] == "probe.exposure.blocked" and stored["values"]["reason"]["phrase"] == "probe.block.page"
    assert "bị chặn (HTTP 403, trang chặn: " in say_stored(exposure["error_reason"], exposure["phrases"], "vi")


@pytest.mark.parametrize("case, expected", [
    ("blocked", "bị chặn (HTTP 403, trang chặn: "),
    ("throttled", "bị giới hạn tần suất (HTTP 429)"),
    ("timeout", "không phản hồi sau 1 giây"),
    ("refused", "thất bại: mọi lần thử kết nối đều thất bại"),
    ("refused", "không kết nối được tới 127.31.1.14:"),
])
@pytest.mark.parametrize("suffix", ["md", "html"])
def test_a_vietnamese_report_says_the_probes_reasons_in_vietnamese(
        lab_results: dict[str, Path], tmp_path: Path, case: str, expected: str, suffix: str) -> None:
    out = tmp_path / f"r.{suffix}"
    code, output = invoke("report", lab_results[case], "-o", out)
    assert code == 0, output
    text = out.read_text(encoding="utf-8")
    text = visible(text) if suffix == "html" else text.replace("\\_", "_")
    assert expected in text
    if case not in ("timeout", "refused"):  # a probe that could not measure has no method line, only its reason
        assert "httpx GET trang / qua http và https" in text
    assert english_left(text) == [], english_left(text)


def test_an_english_report_of_the_same_result_reads_as_before(lab_results: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    invoke("report", lab_results["throttled"], "-o", out, lang="en")
    text = out.read_text(encoding="utf-8")
    assert "rate limited (HTTP 429)" in text and "httpx GET of / over http and https" in text


def test_an_older_result_without_phrases_still_shows_its_english() -> None:
    assert say_stored("6 stdlib ssl handshakes", None, "vi") == "6 stdlib ssl handshakes"
    assert say_stored("6 stdlib ssl handshakes", {}, "vi") == "6 stdlib ssl handshakes"
    assert say_stored("x", {"x": {"phrase": "probe.run.budget", "values": {"other": 1}}}, "vi") == "x"  # a value missing


def test_a_phrase_text_is_its_english_and_says_itself_in_vietnamese() -> None:
    reason = said("probe.http.at_url", reason=said("probe.block.rate_limited", status=429), url="https://a.test/")
    assert isinstance(reason, str) and reason == "rate limited (HTTP 429) at https://a.test/"
    assert reason.startswith("rate limited")
    assert reason.render("vi") == "bị giới hạn tần suất (HTTP 429) tại https://a.test/"
    phrases = {str(reason): encode(reason)}
    composed = f"could not measure (http.headers: {reason}; http: probe did not run)"
    assert translate_within(composed, phrases, "vi") == \
        "could not measure (http.headers: bị giới hạn tần suất (HTTP 429) tại https://a.test/; http: probe did not run)"
    assert isinstance(PhraseText("probe.http.nothing"), str)


DEMO_EXCEPTIONS = re.compile(r"^\| tls\.certificate\.verify\\_error \|.*$", re.MULTILINE)
"""The demo's bad certificate: this fact's value is the `cryptography` verifier's own message
("cert is not valid at validation time"), library text quoted as measured, like a server's header."""


def test_the_demo_results_report_in_vietnamese(tmp_path: Path) -> None:
    code, output = invoke("demo", "--out", tmp_path / "demo", "--no-pdf", "--no-nmap")
    assert code == 0, output
    results = sorted(p for p in (tmp_path / "demo").glob("*.json") if p.name != "summary.json")
    assert len(results) == 3
    for result in results:
        out = tmp_path / f"{result.stem}.md"
        invoke("report", result, "-o", out)
        text = DEMO_EXCEPTIONS.sub("", out.read_text(encoding="utf-8"))
        assert english_left(text) == [], (result.name, english_left(text))
    offline = (tmp_path / "bao-mau-ngung-hoat-dong.md").read_text(encoding="utf-8")
    assert "không kết nối được tới" in offline


def test_probe_http_speaks_vietnamese(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    with serve(Site("ok", http={"*": Reply()}), "127.31.1.14", certs) as running, \
            silent_listener("127.31.1.15") as silent_port:
        code, ok = invoke("probe", "http", f"http://{running.host}:{running.http_port}",
                          "--http-port", str(running.http_port))
        assert code == 0, ok
        code, failed = invoke("probe", "http", f"http://127.31.1.15:{silent_port}", "--http-port", str(silent_port),
                              "--timeout", "1")
        assert code == 3, failed
    assert ": hoàn tất (" in ok and "Cách đo: httpx GET trang / qua http và https" in ok
    assert ": lỗi (" in failed and "không trả lời yêu cầu HTTP" in failed and "không phản hồi sau 1 giây" in failed
    for output in (ok, failed):
        head = "\n".join(line for line in output.splitlines() if " = " not in line)  # facts are data, not words
        assert english_left(head) == [], head


def test_a_result_written_before_phrases_renders_its_english(tmp_path: Path) -> None:
    # Given the offline golden result as an older release wrote it (no `phrases`), When reported in
    # Vietnamese, Then it still validates and shows the stored English reason rather than nothing.
    data = json.loads((Path(__file__).parent / "golden" / "result-offline.json").read_text(encoding="utf-8"))
    for attempt in data["probe_attempts"]:
        attempt.pop("phrases", None)
    older, out = tmp_path / "older.json", tmp_path / "r.md"
    older.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, output = invoke("report", older, "-o", out)
    assert code == 0, output
    assert "cannot connect to 127.0.0.13:8443" in out.read_text(encoding="utf-8")


def test_probe_dns_with_a_resolver_that_never_answers_speaks_vietnamese() -> None:
    """dnspython's own timeout text ('The resolution lifetime expired ...') is said as ours, in Vietnamese."""
    code, output = invoke("probe", "dns", "https://bao-mau.test", "--resolver", "127.31.1.21:53", "--timeout", "1")
    assert code == 3, output
    assert "không có trả lời trong 2 giây" in output and "lifetime" not in output
    assert english_left(output) == [], english_left(output)
