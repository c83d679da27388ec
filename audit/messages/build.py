"""Editing the message catalogue with Babel: import pending entries, compile, check.

Run as `python -m audit.messages.build import|compile|check` (or `make messages`). Babel is
imported here only: at run time the compiled `.mo` files are read by the standard library's
`gettext` (`audit.i18n`), so `l3audit --help` never pays for Babel.

`import` moves the entries that helpers add to `audit.i18n.MESSAGES` (under `# --- issue N ---`
comments, while a branch is open) into the `.po` files, empties that dict again, and compiles.
`check` lists every problem a test must catch: an entry without both translations, a `.mo`
older than its `.po`, a key used literally in the code but absent from the catalogue.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from audit.i18n import DOMAIN, LANGS, LOCALE_DIR, MESSAGES_DICT_TEMPLATE

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
"""The repository (or site-packages) folder holding `audit/`, `probes/` and `report_templates/`."""

# The functions that take a message key as their first argument, and the prefix each adds.
KEYWORDS = {"t": "", "msg": "reportview.", "label": "dashboard.", "tt": "", "phrase": "", "said": ""}


def po_path(lang: str) -> Path:
    """Where the `.po` file of `lang` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    """The `.po` catalogue of `lang` (an empty one if the file does not exist yet)."""
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="l3audit")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def write_catalogue(lang: str, catalogue: Catalog) -> None:
    """Write the `.po` of `lang`, entries sorted by key so that diffs stay small."""
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=0, sort_output=True, omit_header=False)


def compiled(catalogue: Catalog) -> bytes:
    """The `.mo` bytes of a catalogue (fuzzy entries left out, as gettext does)."""
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


CLICK_DOMAIN = "click"
"""click's own messages, translated for `audit.cli.clicklang` (English is click's own text)."""


def click_po_paths() -> list[Path]:
    """The `.po` files translating click's messages (one per language other than English)."""
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{CLICK_DOMAIN}.po"))


def read_click_catalogue(path: Path) -> Catalog:
    """One of the click `.po` files."""
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parents[1].name, domain=CLICK_DOMAIN)


def compile_all() -> None:
    """Compile every `.po` (ours and click's) into the `.mo` the run time loads."""
    for lang in LANGS:
        (po_path(lang).with_suffix(".mo")).write_bytes(compiled(read_catalogue(lang)))
    for path in click_po_paths():
        path.with_suffix(".mo").write_bytes(compiled(read_click_catalogue(path)))


def add_entries(entries: dict[str, dict[str, str]]) -> None:
    """Add or replace `entries` (key -> {lang: text}) in every `.po` file."""
    for lang in LANGS:
        catalogue = read_catalogue(lang)
        for key, texts in entries.items():
            catalogue.add(key, texts.get(lang, ""))
        write_catalogue(lang, catalogue)


def pending_entries(source: Path) -> tuple[dict[str, dict[str, str]], ast.stmt]:
    """The literal entries of the `MESSAGES` dict in `source` (audit/i18n.py) and its assignment node."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    target: ast.expr
    for node in tree.body:
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "MESSAGES" and value is not None:
            return ast.literal_eval(value), node  # type: ignore[return-value]
    raise SystemExit(f"{source}: no MESSAGES dict found")


def import_pending(source: Path | None = None) -> int:
    """Move the `MESSAGES` dict entries of audit/i18n.py into the `.po` files; the number moved."""
    source = source or Path(__file__).resolve().parents[1] / "i18n.py"
    entries, node = pending_entries(source)
    if not entries:
        return 0
    add_entries(entries)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    start, end = node.lineno - 1, node.end_lineno or node.lineno
    source.write_text("".join(lines[:start]) + MESSAGES_DICT_TEMPLATE + "".join(lines[end:]), encoding="utf-8")
    compile_all()
    return len(entries)


def used_keys() -> set[str]:
    """Every message key written literally as the first argument of t/msg/label/tt in our code."""
    keys: set[str] = set()
    # The store's `label` is SQLAlchemy's column label, not ours; f-strings are skipped (Babel
    # says so on stderr, which is silenced: dynamic keys are checked by the tests that render them).
    method_map = [("department/store/**.py", "ignore"), ("**.py", "python")]
    with contextlib.redirect_stderr(io.StringIO()):
        for folder in ("audit", "probes"):
            for _file, _line, message, _comments, _context in extract_from_dir(
                    PACKAGE_ROOT / folder, method_map=method_map, keywords={name: (1,) for name in KEYWORDS}):
                if isinstance(message, str) and message:
                    keys.add(message)
    return keys


def problems() -> list[str]:
    """Everything wrong with the catalogue, one line each (empty when all is well)."""
    found: list[str] = []
    catalogues = {lang: read_catalogue(lang) for lang in LANGS}
    ids = {lang: {m.id for m in cat if m.id} for lang, cat in catalogues.items()}
    every = set().union(*ids.values())
    for lang, catalogue in catalogues.items():
        found += [f"{lang}: {key}: no entry" for key in sorted(every - ids[lang])]
        found += [f"{lang}: {m.id}: no translation" for m in catalogue
                  if m.id and (not m.string or m.fuzzy)]
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalogue):
            found.append(f"{lang}: {mo.name} is not compiled from the current .po (run `make messages`)")
    for path in click_po_paths():
        lang, catalogue = path.parents[1].name, read_click_catalogue(path)
        found += [f"{lang}: click: {m.id!r}: no translation" for m in catalogue
                  if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))]
        if not path.with_suffix(".mo").exists() or path.with_suffix(".mo").read_bytes() != compiled(catalogue):
            found.append(f"{lang}: {CLICK_DOMAIN}.mo is not compiled from the current .po (run `make messages`)")
    for key in sorted(used_keys()):
        if not any(prefix + key in every for prefix in {KEYWORDS[k] for k in KEYWORDS} | {""}):
            found.append(f"{key}: used in the code but not in the catalogue")
    return found


def main(argv: list[str]) -> int:
    """`import`, `compile` or `check`; exit 1 when `check` finds a problem."""
    command = argv[0] if argv else "check"
    if command == "import":
        print(f"{import_pending()} entries moved into the .po files")
    elif command == "compile":
        compile_all()
    elif command == "check":
        lines = problems()
        print("\n".join(lines) or "message catalogue complete")
        return 1 if lines else 0
    else:
        print("usage: python -m audit.messages.build import|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
