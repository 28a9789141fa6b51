"""The real server (waitress in a subprocess): nothing lost when it is killed mid-upload; --local keeps nothing."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import threading
import time

from serverctl import Portal, unit_name
from unitbooks import REGION, YEAR, one_application

from nianbao.report import Report
from nianbao.workbook.build import write_report

UNITS = 6
PER_UNIT = 8


def _book(tmp_path, i: int, v: int) -> bytes:
    """Unit i's v-th version: a consistent report whose licensing count makes its bytes its own."""
    path = tmp_path / f"u{i}-v{v}.xlsx"
    numbers = {**one_application(), "t2.licensing.decisions": 100 * i + v}
    write_report(Report.from_numbers(numbers, name=unit_name(i), level="县级部门", year=YEAR, region=REGION), path)
    return path.read_bytes()


def test_kill_9_during_uploads_loses_nothing_acknowledged(tmp_path):
    books = {(i, v): _book(tmp_path, i, v) for i in range(UNITS) for v in range(PER_UNIT)}
    with Portal(tmp_path / "data", units=UNITS) as portal:
        acknowledged: list[tuple[int, int, str]] = []  # (unit, version shown in the answer, sha256 sent)
        lock = threading.Lock()

        def clerk(i: int) -> None:
            client = portal.client()
            client.get(f"/u/{portal.tokens[i]}/")
            for v in range(PER_UNIT):
                data = books[i, v]
                try:
                    status, body = client.post_file(f"/u/{portal.tokens[i]}/upload", data, f"第{v}稿.xlsx", timeout=20)
                except OSError:
                    return  # the server died under this request: it was never acknowledged
                if status == 200:
                    m = re.search(r"第(\d+)版 · 第(\d+)稿\.xlsx".encode(), body)
                    assert m and int(m.group(2)) == v, body[:300]
                    with lock:
                        acknowledged.append((i, int(m.group(1)), hashlib.sha256(data).hexdigest()))

        threads = [threading.Thread(target=clerk, args=(i,)) for i in range(UNITS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < UNITS * 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        portal.kill()
        for t in threads:
            t.join(timeout=60)
        assert UNITS * 2 <= len(acknowledged) < UNITS * PER_UNIT, "the kill came in the middle of the uploads"
        portal.start()
        # Every acknowledged upload is there, byte for byte, under its own unit and version.
        client = portal.client()
        for i, version, sha in acknowledged:
            status, body = client.get(f"/u/{portal.tokens[i]}/v/{version}/original.xlsx")
            assert status == 200 and hashlib.sha256(body).hexdigest() == sha, (i, version)
        # Nothing half-written shows as a version: every stored row has its intact blob, and is a file that was sent.
        stored = portal.verify()
        sent = {(unit_name(i), hashlib.sha256(d).hexdigest()) for (i, _), d in books.items()}
        assert all(row["intact"] for row in stored)
        assert all((row["unit"], row["sha256"]) in sent for row in stored)
        assert {(unit_name(i), v, s) for i, v, s in acknowledged} <= {(r["unit"], r["version"], r["sha256"]) for r in stored}
        # Versions of a unit are numbered without gaps.
        for i in range(UNITS):
            versions = [r["version"] for r in stored if r["unit"] == unit_name(i)]
            assert versions == list(range(1, len(versions) + 1))
        # The staging folder holds nothing after the restart.
        assert list((tmp_path / "data" / "tmp").iterdir()) == []


def test_first_start_says_how_to_add_an_administrator(tmp_path):
    out = subprocess.run([sys.executable, "-m", "nianbao", "serve", str(tmp_path / "d"), "--port", "0", "--add-admin", "张三"],
                         check=False, input="短\n短\n县里的密码-2024\n县里的密码-2024\n", capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "密码不符合要求" in out.stdout + out.stderr and "已添加管理员“张三”" in out.stdout
    assert (tmp_path / "d" / "nianbao.sqlite3").exists() and (tmp_path / "d" / "secret_key").exists()
    missing = subprocess.run([sys.executable, "-m", "nianbao", "serve"], check=False, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "请指定数据文件夹" in missing.stderr


def test_local_page_checks_and_keeps_nothing(tmp_path):
    data = _book(tmp_path, 0, 0)
    before = set(tmp_path.iterdir())
    with Portal(None, setup=False, database="", extra=("--local",)) as portal:
        client = portal.client()
        status, page = client.get("/")
        assert status == 200 and "本机模式" in page.decode()
        status, body = client.post_file("/upload", data, "我的年报.xlsx")
        assert status == 200 and "第1版 · 我的年报.xlsx" in body.decode() and "没有错误" in body.decode()
        status, original = client.get("/v/1/original.xlsx")
        assert original == data
        assert client.get("/county/")[0] == 404
    assert set(tmp_path.iterdir()) == before
