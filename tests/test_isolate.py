"""Workers that die (issue 9 items 1, 2): a real abort, a real SIGKILL, a real hang — each costs only its own
input, never the caller. Then the same through the merge and the guarded reader, with a real file whose
reading really aborts (calamine's allocation failing under the worker's memory cap)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from hostile import add_cells, patch_sheet
from unitbooks import one_application, unit_book
from workbooks import workbook

from nianbao.errors import ReaderFailed
from nianbao.isolate import Died, Raised, call_isolated, map_isolated
from nianbao.merge.batch import UNREADABLE, assemble
from nianbao.merge.files import discover
from nianbao.merge.worker import read_all
from nianbao.sources import read_report_isolated


def behave(x: int) -> int:
    if x == 3:
        os.abort()
    if x == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    if x == 7:
        time.sleep(60)
    if x == 8:
        raise ValueError("坏")
    return x * 10


def test_each_input_comes_back_once_and_a_death_is_blamed_on_its_own_input():
    got = dict(map_isolated(behave, range(12), workers=2, timeout=5))
    assert sorted(got) == list(range(12))
    assert {i: v for i, v in got.items() if isinstance(v, int)} == {i: i * 10 for i in (0, 1, 2, 4, 6, 9, 10, 11)}
    assert got[3] == Died("读取程序异常中止（原生代码崩溃或内存分配失败，SIGABRT）", signal.SIGABRT)
    assert got[5] == Died("读取进程被系统终止（通常是内存不足，SIGKILL）", signal.SIGKILL)
    assert isinstance(got[7], Died) and "超过5秒仍未完成" in got[7].reason
    assert isinstance(got[8], Raised) and str(got[8].error) == "坏"


def test_one_call_in_a_child():
    assert call_isolated(behave, 2) == 20
    assert isinstance(call_isolated(behave, 3), Died)


@pytest.fixture()
def aborting(tmp_path):
    """A real report whose 表三 reaches CV49000: 4.9 million cells, within the bounds, but calamine's
    dense block (157 MB) cannot be allocated under a 64 MB cap: a genuine native abort (SIGABRT)."""
    return patch_sheet(workbook(tmp_path / "大表.xlsx"), "表三", add_cells('<c r="CV49000"><v>1</v></c>', "49000"))


def test_the_guarded_reader_turns_a_native_abort_into_a_message(aborting):
    with pytest.raises(ReaderFailed) as e:
        read_report_isolated(aborting, memory=64 << 20)
    assert "SIGABRT" in str(e.value) and "大表.xlsx" in str(e.value)
    assert read_report_isolated(aborting).values["t3.new.total"] == 8  # with room, the same file reads


def test_a_merge_worker_that_aborts_costs_one_row_and_the_batch_goes_on(tmp_path, aborting):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    aborting.rename(inbox / "大表.xlsx")
    for name in ("甲镇", "乙镇", "丙镇", "丁镇"):
        unit_book(inbox / f"{name}.xlsx", name, one_application())
    items, _ = discover([inbox])
    records = read_all(items, workers=2, memory=64 << 20)
    assert [r.relative for r in records] == [i.relative for i in items]
    broken = {r.relative: r.error for r in records if r.error}
    assert list(broken) == ["大表.xlsx"] and "SIGABRT" in broken["大表.xlsx"]
    batch = assemble(records)
    assert [(s.category, s.file) for s in batch.submissions] == [(UNREADABLE, "大表.xlsx")]
    assert len(batch.counted) == 4 and batch.frame.loc[[u.key for u in batch.counted], "t3.new.total"].sum() == 4


def test_a_threaded_caller_gets_workers_from_a_fork_server():
    # The web portal's server runs threads; forking it could leave a lock held in the child.
    import threading

    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        assert call_isolated(behave, 2) == 20
        assert call_isolated(behave, 3) == Died("读取程序异常中止（原生代码崩溃或内存分配失败，SIGABRT）", signal.SIGABRT)
    finally:
        done.set()
        other.join()


def test_a_fork_server_imports_what_the_reader_imports_lazily():
    """From a threaded caller (the portal) workers come from a fork server; it must already hold the workbook
    reader, or every upload imports it again in its worker (about 0.3 s a file)."""
    import threading
    from multiprocessing import forkserver

    from nianbao.isolate import _context
    from nianbao.sources import ISOLATED_PRELOAD, read_report

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ctx = _context(read_report, ISOLATED_PRELOAD)
    finally:
        stop.set()
        other.join()
    assert ctx.get_start_method() == "forkserver"
    assert forkserver._forkserver._preload_modules == ["nianbao.isolate", "nianbao.sources", "nianbao.workbook.read"]
