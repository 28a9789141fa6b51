"""nianbao merge on the command line: exit codes, JSON, refusals, Ctrl-C, and the check path stays light."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from unitbooks import one_application, unit_book

from nianbao.cli import main

NIANBAO = str(Path(sys.executable).parent / "nianbao")


def run(*args: str):
    return CliRunner().invoke(main, ["merge", *args])


def test_clean_merge_exits_0_and_says_what_it_did(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    unit_book(tmp_path / "in" / "乙.xlsx", "示例县乙局", one_application("business", "partial"))
    result = run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "汇总2024年度：计入2个单位（通过2个）"
    assert "汇总数符合全部表内校验规则。" in result.output
    assert (tmp_path / "汇总.xlsx").exists()


def test_errors_or_missing_units_exit_1(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", {**one_application(), "t3.total.total": 2})
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称\n示例县甲局\n示例县乙局\n", encoding="utf-8")
    result = run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx"), "--roster", str(roster), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["year"] == 2024
    assert [(u["unit"], u["status"], u["status_label"], u["counts"]["error"]) for u in data["units"]] == [
        ("示例县甲局", "errors", "有错误", 3),
    ]
    assert data["submissions"] == [{"category": "missing", "category_label": "未报送", "unit": "示例县乙局", "file": "",
                                    "note": "名单中的单位没有报送（没有找到该单位的文件）", "via": ""}]
    assert data["summary"]["values"]["t3.total.total"] == 2
    assert [f["rule"] for f in data["summary"]["findings"]] == ["T3-ID", "T3-V", "T3-H"]


def test_unreadable_input_exits_2_but_the_rest_is_merged(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    (tmp_path / "in" / "坏.xlsx").write_bytes(b"")
    result = run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx"), "--json")
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert [(u["file"], u["status"]) for u in data["units"]] == [("甲.xlsx", "passed"), ("坏.xlsx", "unreadable")]
    assert (tmp_path / "汇总.xlsx").exists()


def test_refuses_to_write_over_an_input(tmp_path):
    book = unit_book(tmp_path / "甲.xlsx", "示例县甲局", one_application())
    before = book.read_bytes()
    result = run(str(book), "-o", str(book))
    assert result.exit_code == 2
    assert f"输出文件不能覆盖输入文件（{book}）" in result.output
    assert book.read_bytes() == before


def test_refuses_to_write_over_a_file_inside_an_input_folder(tmp_path):
    book = unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    before = book.read_bytes()
    result = run(str(tmp_path / "in"), "-o", str(book))
    assert result.exit_code == 2
    assert f"输出文件不能覆盖输入文件夹（{tmp_path / 'in'}）中的文件" in result.output
    assert book.read_bytes() == before
    # An earlier merge output in the folder may be replaced.
    assert run(str(tmp_path / "in"), "-o", str(tmp_path / "in" / "汇总.xlsx")).exit_code == 0
    assert run(str(tmp_path / "in"), "-o", str(tmp_path / "in" / "汇总.xlsx")).exit_code == 0


def test_missing_input_folder_exits_2(tmp_path):
    result = run(str(tmp_path / "没有这个文件夹"), "-o", str(tmp_path / "汇总.xlsx"))
    assert result.exit_code == 2
    assert "文件或文件夹不存在" in result.output
    assert not (tmp_path / "汇总.xlsx").exists()


def test_empty_folder_exits_2(tmp_path):
    (tmp_path / "in").mkdir()
    result = run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx"))
    assert result.exit_code == 2
    assert "没有找到可汇总的工作簿" in result.output


def test_bad_roster_exits_2(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    (tmp_path / "名单.csv").write_text("\n\n", encoding="utf-8")
    result = run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx"), "--roster", str(tmp_path / "名单.csv"))
    assert result.exit_code == 2
    assert "名单中没有找到单位名称" in result.output


def test_ctrl_c_leaves_no_output(tmp_path):
    folder = tmp_path / "in"
    book = unit_book(tmp_path / "甲.xlsx", "示例县甲局", one_application())
    folder.mkdir()
    for i in range(4000):  # several seconds of reading: long enough to be interrupted
        shutil.copyfile(book, folder / f"{i:04d}.xlsx")
    out = tmp_path / "out" / "汇总.xlsx"
    proc = subprocess.Popen([NIANBAO, "merge", str(folder), "-o", str(out), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.2)
    assert proc.poll() is None, "finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "已中断" in err.decode()
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_check_command_does_not_import_pandas(tmp_path, examples_dir):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from nianbao.cli import main\n"
        f"CliRunner().invoke(main, ['check', {str(next(examples_dir.glob('*.xlsx')))!r}])\n"
        "print('pandas' in sys.modules, 'xlsxwriter' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    assert out.stdout.strip() == "False False"


def test_year_option_decides_which_reports_count(tmp_path):
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application(), year=2023)
    unit_book(tmp_path / "in" / "乙.xlsx", "示例县乙局", one_application(), year=2023)
    unit_book(tmp_path / "in" / "丙.xlsx", "示例县丙局", one_application())
    data = json.loads(run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx"), "--year", "2024", "--json").output)
    assert data["year"] == 2024
    assert [u["unit"] for u in data["units"]] == ["示例县丙局"]
    assert sorted((s["category"], s["file"]) for s in data["submissions"]) == [("wrong_year", "乙.xlsx"), ("wrong_year", "甲.xlsx")]


def test_the_merge_output_is_checked_and_exported_like_a_report(tmp_path):
    # Issue 9 #23: `check 汇总.xlsx` (as the README recommends) gave M1 and three L1 about nianbao's own
    # output, and `export` titled it 政府信息公开工作年度报告 with no region or year.
    unit_book(tmp_path / "in" / "甲.xlsx", "示例县甲局", one_application())
    unit_book(tmp_path / "in" / "乙.xlsx", "示例县乙局", one_application("business", "partial"))
    assert run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总.xlsx")).exit_code == 0
    checked = CliRunner().invoke(main, ["check", str(tmp_path / "汇总.xlsx"), "--json"])
    assert checked.exit_code == 0, checked.output
    result = json.loads(checked.output)["files"][0]
    assert (result["status"], result["findings"]) == ("passed", [])
    assert {k: result["meta"][k] for k in ("name", "region", "year", "summary")} == {
        "name": "某省示例县汇总", "region": "某省示例县", "year": 2024, "summary": True}
    exported = CliRunner().invoke(main, ["export", str(tmp_path / "汇总.xlsx"), "--html", str(tmp_path / "汇总.html")])
    assert exported.exit_code == 0, exported.output
    assert exported.output.startswith("某省示例县2024年政府信息公开工作年度报告汇总（校验：0个错误、0个警告、0个提示）")
    assert "<title>某省示例县2024年政府信息公开工作年度报告汇总</title>" in (tmp_path / "汇总.html").read_text(encoding="utf-8")
    # The totals it read are the merge's, where the 汇总 sheet shows them.
    with_error = tmp_path / "in" / "丙.xlsx"
    unit_book(with_error, "示例县丙局", {**one_application(), "t3.total.total": 2})
    run(str(tmp_path / "in"), "-o", str(tmp_path / "汇总2.xlsx"))
    again = json.loads(CliRunner().invoke(main, ["check", str(tmp_path / "汇总2.xlsx"), "--json"]).output)["files"][0]
    assert [(f["rule"], f["cells"][0][1]) for f in again["findings"]] == [
        ("T3-V", "汇总!J49"), ("T3-H", "汇总!J49"), ("T3-ID", "汇总!J50")]


def test_each_units_findings_in_merge_json_equal_check_json_of_its_file(tmp_path):
    """merge --last-year gives every unit exactly what check --last-year gives its file: rules, order, wording."""
    from nianbao.examples import EXAMPLES

    this, last = tmp_path / "2024", tmp_path / "2023"
    published = EXAMPLES[0].report.text
    unit_book(this / "雷同.xlsx", "示例县雷同局", one_application(), text={k: v.replace("2023", "2024") for k, v in published.items()})
    unit_book(last / "雷同.xlsx", "示例县雷同局", {}, year=2023, text=published)
    unit_book(this / "跨年.xlsx", "示例县跨年局", {**one_application(), "t3.carried_over.natural_person": 1, "t3.carried_over.total": 1},
              text={"problems.improvements": "一是丰富政策解读形式。", "other": "本局2024年未收取信息处理费。"})
    unit_book(last / "跨年.xlsx", "示例县跨年局", {"t3.carried_forward.natural_person": 2, "t3.carried_forward.total": 2}, year=2023,
              text={"problems.issues": "一是网站栏目更新不及时。", "other": "本局2023年未收取信息处理费。"})
    result = CliRunner().invoke(main, ["merge", str(this), "-o", str(tmp_path / "汇总.xlsx"), "--last-year", str(last), "--json"])
    units = {u["file"]: u["findings"] for u in json.loads(result.output)["units"]}
    assert sorted(units) == ["跨年.xlsx", "雷同.xlsx"]
    for name, findings in units.items():
        checked = CliRunner().invoke(main, ["check", str(this / name), "--last-year", str(last / name), "--json"])
        assert json.loads(checked.output)["files"][0]["findings"] == findings, name
    assert {f["rule"] for f in units["雷同.xlsx"]} >= {"Y5"}
    assert {f["rule"] for f in units["跨年.xlsx"]} >= {"Y1", "Y6", "T3-ID"}
