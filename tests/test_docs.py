"""The README documents every command and every rule id the checker can report."""

from conftest import REPO

from nianbao.cli import main
from nianbao.rules import RULES

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
