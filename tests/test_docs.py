"""The README documents every command and rule id; docs/format.md documents every rule, cell and label."""

import re

from conftest import REPO

from nianbao.cli import main
from nianbao.formats import F2021
from nianbao.formats.f2021 import T3_NOTE
from nianbao.rules import RULES
from nianbao.schema import LEVELS

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    for name in main.commands:
        assert f"nianbao {name}" in README, name


def test_every_rule_id_is_in_the_readme():
    for rule in RULES:
        assert f"| {rule} |" in README, rule


def test_quick_start_has_the_two_commands_ci_runs():
    assert "pip install . && nianbao demo" in README
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in README and "pip install -e '.[test]' && pytest" in ci


# --- docs/format.md: the format as the project understands it, cited by the code -----------------

FORMAT_DOC = (REPO / "docs" / "format.md").read_text(encoding="utf-8")


def _rule_entries() -> dict[str, str]:
    """Rule id → its entry in docs/format.md §5 (the text from its ``#### ID`` heading to the next heading)."""
    entries, current = {}, None
    for line in FORMAT_DOC.splitlines():
        if line.startswith("#"):
            current = line[5:].split(" ", 1)[0] if line.startswith("#### ") else None
            if current:
                entries[current] = ""
        elif current:
            entries[current] += line + "\n"
    return entries


def test_every_rule_has_an_entry_with_severity_basis_and_a_worked_example():
    entries = _rule_entries()
    assert [r for r in RULES if r not in entries] == [], "rules without a '#### ID …' entry in docs/format.md §5"
    assert [r for r in entries if r not in RULES] == [], "entries in docs/format.md for rules that do not exist"
    for rule, body in entries.items():
        assert "级别：" in body and "依据：" in body and "示例：" in body and "```" in body, rule
    assert [r for r in RULES if f"| {r} |" not in FORMAT_DOC] == [], "rules missing from the table of docs/format.md §5"


def test_every_cell_id_and_printed_label_is_in_the_format_doc():
    def documented(cid: str) -> bool:
        table, *rest = cid.split(".")
        if table == "t3":  # 175 ids: documented as row keys × column keys
            return all(f"`{key}`" in FORMAT_DOC for key in rest)
        return f"`{cid}`" in FORMAT_DOC

    assert [cid for cid in F2021.cell_ids if not documented(cid)] == []
    labels = {n.label for t in F2021.tables.values() for s in t.sections for top in s.columns + s.rows for n in _nodes(top)}
    labels |= {s.title for t in F2021.tables.values() for s in t.sections if s.title}
    labels |= set(F2021.section_headings) | {v for vs in F2021.heading_variants for v in vs} | {T3_NOTE}
    labels |= set(F2021.known_typos) | set(F2021.known_typos.values()) | set(LEVELS) | {s.label for s in F2021.text_slots}
    missing = sorted(label for label in labels if label and label not in FORMAT_DOC)
    assert missing == []


def _nodes(node):
    yield node
    for child in node.children:
        yield from _nodes(child)


def test_every_citation_of_the_format_doc_names_a_section_it_has():
    sections = set(re.findall(r"^#+ §(\d+(?:\.\d+)*) ", FORMAT_DOC, re.M))
    cited = {}
    for path in [REPO / "README.md", *REPO.glob("docs/*.md"), *REPO.glob("src/**/*.py"), *REPO.glob("tests/*.py")]:
        for number in re.findall(r"docs/format\.md §(\d+(?:\.\d+)*)", path.read_text(encoding="utf-8")):
            cited.setdefault(number, []).append(path.relative_to(REPO).as_posix())
    assert {n: files for n, files in cited.items() if n not in sections} == {}


def test_the_rule_table_gives_each_rule_the_basis_users_see():
    rows = {line.split("|")[1].strip(): line for line in FORMAT_DOC.splitlines() if line.startswith("| ")}
    assert [r for r, info in RULES.items() if f"| {info.basis} |" not in rows.get(r, "")] == []


def test_no_reference_to_the_spec_outside_the_repository_remains():
    stale = re.compile(r"spec §|spec/format\.md|规格 §|规格（spec")
    files = [REPO / "README.md", *REPO.glob("docs/*.md"), *REPO.glob("src/**/*.py"), *REPO.glob("tests/**/*.py")]
    files = [f for f in files if f.name != "test_docs.py"]  # this file names the pattern
    assert [f.relative_to(REPO).as_posix() for f in files if stale.search(f.read_text(encoding="utf-8"))] == []
