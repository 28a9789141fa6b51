"""Dependency floors leave out releases with known vulnerabilities (issue 9 item 22)."""

from __future__ import annotations

from importlib.metadata import requires, version

from packaging.requirements import Requirement
from packaging.version import Version

# Releases a fresh install must never resolve to, and why.
VULNERABLE = {
    "pdfplumber": ["0.11.7", "0.11.8"],  # pin pdfminer.six 20250506 (CVE-2025-64512) and 20251107 (pickle CMaps still loaded)
    "pdfminer.six": ["20250506", "20251107"],
    "jinja2": ["3.1.4", "3.1.5"],  # sandbox escapes CVE-2024-56201, CVE-2024-56326, CVE-2025-27516
}


def declared() -> dict[str, Requirement]:
    reqs = (Requirement(r) for r in requires("nianbao") or [])
    return {r.name.lower(): r for r in reqs if r.marker is None}


def test_floors_exclude_the_vulnerable_releases():
    reqs = declared()
    for name, releases in VULNERABLE.items():
        assert [v for v in releases if reqs[name].specifier.contains(v)] == [], name


def test_what_is_installed_is_above_the_floors():
    reqs = declared()
    for name in VULNERABLE:
        assert reqs[name].specifier.contains(Version(version(name))), name
