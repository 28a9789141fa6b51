"""Atomic outputs: a file another program holds open is refused with a message, the old file kept."""

from __future__ import annotations

import os

import pytest

from nianbao.atomic import write_text
from nianbao.errors import OutputError


def test_a_target_that_cannot_be_replaced_is_an_output_error_and_the_old_file_stays(tmp_path, monkeypatch):
    target = tmp_path / "年报.html"
    target.write_text("旧", encoding="utf-8")

    def locked(src, dst):  # what Windows does when Word or a browser holds the file open
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as refused:
        write_text(target, "新")
    assert str(refused.value) == f"{target}：无法覆盖这个文件（Permission denied）；如果它正在Word、浏览器等程序中打开，请先关闭后再试"
    assert target.read_text(encoding="utf-8") == "旧"
    assert [p.name for p in tmp_path.iterdir()] == ["年报.html"]  # the temporary file is gone
