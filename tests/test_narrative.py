"""narrative: sentences from the numbers, and filling the 文字 sheet without losing the clerk's text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from workbooks import insert_rows

from nianbao.examples import EXAMPLES
from nianbao.formats import F2021
from nianbao.narrative import (
    ERRORS_NOTE,
    NarrativeError,
    context,
    copy_text_templates,
    generate,
    mark,
    plan,
    problems_of,
)
from nianbao.report import Report, State
from nianbao.schema import TEXT_SHEET
from nianbao.textsheet import text
from nianbao.workbook.build import write_report
from nianbao.workbook.layout import TEXT_MARK_COL, TEXT_VALUE_COL, layout_of

ON_REQUEST = {
    "t3.new.natural_person": 30, "t3.new.business": 5, "t3.new.legal_services": 1, "t3.new.total": 36,
    "t3.carried_over.natural_person": 2, "t3.carried_over.total": 2,
    "t3.disclosed.total": 15, "t3.partial.total": 3, "t3.refused_third_party.total": 1,
    "t3.unavailable_not_held.total": 13, "t3.unavailable_creation.total": 1, "t3.unprocessed_repeat.total": 1,
    "t3.other_no_correction.total": 2, "t3.total.total": 36, "t3.carried_forward.total": 2,
    "t4.review.upheld": 1, "t4.review.corrected": 1, "t4.review.total": 2,
    "t4.direct.pending": 1, "t4.direct.total": 1,
    "t2.normative.issued": 2, "t2.normative.repealed": 1, "t2.normative.in_force": 15,
    "t2.licensing.decisions": 356, "t2.punishment.decisions": 128,
}


def unit(numbers: dict | None = None, **meta) -> Report:
    details = {"name": "示例县市场监督管理局", "level": "县级部门", "region": "某省示例县", "year": 2024} | meta
    return Report.from_numbers(numbers or {}, **details)


def test_zero_case_reads_naturally():
    out = generate(unit())
    assert out["overview.on_request"] == (
        "本年度未收到政府信息公开申请，无上年结转的政府信息公开申请。\n"
        "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    )
    assert "本年度未制发行政规范性文件，无现行有效的行政规范性文件。" in out["overview.proactive"]
    assert "本年度未作出行政许可、行政处罚、行政强制决定。" in out["overview.proactive"]
    assert out["other"] == "本机关2024年未收取信息处理费。"
    assert "0件" not in "".join(out.values())


def test_non_zero_sentences_state_the_table_numbers():
    out = generate(unit(ON_REQUEST))
    assert out["overview.on_request"] == (
        "本年度共新收政府信息公开申请36件，其中自然人30件，法人或其他组织6件（商业企业5件、法律服务机构1件）。"
        "上年结转政府信息公开申请2件。"
        "本年度办结政府信息公开申请36件，其中予以公开15件、部分公开3件、不予公开1件、无法提供14件、不予处理1件、其他处理2件；"
        "结转下年度继续办理2件。\n"
        "本年度因政府信息公开工作被申请行政复议2件（结果维持1件、结果纠正1件）；"
        "被提起行政诉讼1件（未经复议直接起诉1件）。"
    )
    proactive = out["overview.proactive"]
    assert "本年度制发行政规范性文件2件，废止行政规范性文件1件，现行有效行政规范性文件15件。" in proactive
    assert "本年度作出行政许可决定356件、行政处罚决定128件，未作出行政强制决定。" in proactive
    assert "规章" not in proactive  # a county department makes no 规章 and has none to report


def test_a_changed_number_changes_the_sentence():
    before = generate(unit(ON_REQUEST))["overview.on_request"]
    after = generate(unit(ON_REQUEST | {"t3.new.total": 40, "t3.new.natural_person": 34}))["overview.on_request"]
    assert "新收政府信息公开申请36件，其中自然人30件" in before
    assert "新收政府信息公开申请40件，其中自然人34件" in after


def test_received_none_but_carried_over_some():
    out = generate(unit({"t3.carried_over.total": 3, "t3.total.total": 3, "t3.disclosed.total": 3}))
    assert out["overview.on_request"].splitlines()[0] == (
        "本年度未收到新的政府信息公开申请。上年结转政府信息公开申请3件。"
        "本年度办结政府信息公开申请3件，其中予以公开3件；无结转下年度继续办理的申请。"
    )


def test_governments_get_the_assessment_sentence_and_departments_do_not():
    town = generate(unit(name="某镇人民政府", level="乡镇/街道"))
    department = generate(unit())
    assert "工作考核、社会评议和责任追究结果情况：【请填写" in town["overview.oversight"]
    assert "工作考核" not in department["overview.oversight"]


def test_unpaid_fee_applications_ask_for_the_fee_notices():
    out = generate(unit({"t3.other_unpaid.total": 2}))
    assert out["other"] == (
        "本机关2024年依据《政府信息公开信息处理费管理办法》共发出收费通知【请填写】件，实际收取信息处理费【请填写】元；"
        "其中2件申请因申请人逾期未按收费通知要求缴纳费用，不再处理。"
    )


def test_last_years_problems_become_the_improvements_outline():
    last = EXAMPLES[0].report  # 峰灵镇 2023
    assert problems_of(last) == ["部分信息公开不够及时", "公开内容的审核需在加强"]
    out = generate(unit(year=2024), last=last.with_meta(year=2023))
    assert out["problems.improvements"] == (
        "针对2023年度报告提出的问题，整改情况如下：\n"
        "一是关于“部分信息公开不够及时”的问题，【请填写：整改措施和成效】。\n"
        "二是关于“公开内容的审核需在加强”的问题，【请填写：整改措施和成效】。\n"
        "下一步，本机关将【请填写：针对本年度问题的改进措施】。"
    )


def test_unknown_numbers_are_refused_not_guessed():
    report = unit()
    report.values["t3.new.total"] = None
    report.states["t3.new.total"] = State.TEXT
    report.addresses["t3.new.total"] = "表三!J5"
    with pytest.raises(NarrativeError, match="表三!J5不是可读取的数字"):
        context(report)


def test_plan_fills_empty_updates_generated_and_keeps_clerk_text():
    generated = {k: f"新{k}" for k in F2021.text_keys}
    current = {
        "overview.intro": ("", None),
        "overview.proactive": ("旧的生成文字", mark("旧的生成文字")),
        "overview.on_request": ("新overview.on_request", mark("新overview.on_request")),
        "overview.management": ("办事员写的", None),
        "overview.platform": ("办事员改过的生成文字", mark("原来的生成文字")),
    }
    actions = {c.key: c.action for c in plan(current, generated)}
    assert [actions[k] for k in current] == ["filled", "updated", "unchanged", "kept", "kept"]
    forced = {c.key: c.action for c in plan(current, generated, force=True)}
    assert [forced[k] for k in current] == ["filled", "updated", "unchanged", "replaced", "replaced"]


# --- the workbook -------------------------------------------------------------------


def _sheet_text(path: Path) -> dict[str, tuple[str | None, str | None]]:
    ws = openpyxl.load_workbook(path)[TEXT_SHEET]
    return {k: (ws.cell(r, TEXT_VALUE_COL).value, ws.cell(r, TEXT_MARK_COL).value) for k, r in layout_of(F2021).text_rows.items()}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def workbook(tmp_path) -> Path:
    # ON_REQUEST fills only the 总计 column: the table rules find errors, so each text opens with ERRORS_NOTE.
    report = unit(ON_REQUEST)
    report.text["overview.platform"] = "本局门户网站专栏全年更新信息260条。"  # the clerk's own text
    return write_report(report, tmp_path / "单位.xlsx")


def test_fills_empty_slots_and_marks_them_and_leaves_the_input_alone(workbook, tmp_path):
    before = _digest(workbook)
    out = tmp_path / "单位-文字.xlsx"
    result = text(workbook, out)
    assert _digest(workbook) == before
    sheet = _sheet_text(out)
    assert sheet["overview.platform"] == ("本局门户网站专栏全年更新信息260条。", None)
    body, slot_mark = sheet["overview.on_request"]
    assert body.startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请36件")
    assert slot_mark == mark(body)
    assert {c.key: c.action for c in result.changes}["overview.platform"] == "kept"
    assert len(result.written) == len(F2021.text_keys) - 1


def test_rerun_updates_generated_text_after_numbers_change_and_keeps_edits(workbook, tmp_path):
    first = tmp_path / "第一次.xlsx"
    text(workbook, first)
    wb = openpyxl.load_workbook(first)
    # The clerk edits one generated paragraph and corrects a number in 表三.
    ws = wb[TEXT_SHEET]
    ws.cell(layout_of(F2021).text_rows["overview.management"], TEXT_VALUE_COL).value = "本局落实保密审查，全年清理过时信息23条。"
    wb["表三"]["J5"].value = 40
    wb["表三"]["D5"].value = 34
    wb.save(first)
    second = tmp_path / "第二次.xlsx"
    result = text(first, second)
    sheet = _sheet_text(second)
    assert sheet["overview.on_request"][0].startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请40件，其中自然人34件")
    assert sheet["overview.management"][0] == "本局落实保密审查，全年清理过时信息23条。"
    assert sheet["overview.platform"][0] == "本局门户网站专栏全年更新信息260条。"
    actions = {c.key: c.action for c in result.changes}
    assert (actions["overview.on_request"], actions["overview.management"], actions["overview.intro"]) == (
        "updated", "kept", "unchanged",
    )


def test_force_replaces_the_clerks_text(workbook, tmp_path):
    out = tmp_path / "强制.xlsx"
    text(workbook, out, force=True)
    body, slot_mark = _sheet_text(out)["overview.platform"]
    assert body.startswith(ERRORS_NOTE + "\n以政府门户网站政府信息公开专栏为第一平台")
    assert slot_mark == mark(body)


def test_a_county_template_folder_overrides_one_slot(workbook, tmp_path):
    folder = tmp_path / "模板"
    copied = copy_text_templates(folder)
    assert sorted(p.name for p in copied) == sorted(k + ".j2" for k in F2021.text_keys)
    (folder / "other.j2").write_text("{{ name }}{{ this_year }}未收取信息处理费。本县统一口径。\n", encoding="utf-8")
    (folder / "overview.intro.j2").unlink()  # a missing file falls back to the built-in one
    out = generate(unit(), templates=folder)
    assert out["other"] == "示例县市场监督管理局2024年未收取信息处理费。本县统一口径。"
    assert out["overview.intro"].startswith("2024年，示例县市场监督管理局认真贯彻落实")


def test_a_broken_county_template_names_the_file_and_the_problem(tmp_path):
    (tmp_path / "other.j2").write_text("{{ 名称 }}未收取信息处理费。", encoding="utf-8")
    with pytest.raises(NarrativeError, match="other.j2.*不存在的变量"):
        generate(unit(), templates=tmp_path)
    (tmp_path / "other.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(NarrativeError, match="other.j2.*第1行有语法错误"):
        generate(unit(), templates=tmp_path)


def test_a_workbook_without_a_text_sheet_gets_the_templates_one(tmp_path):
    src = write_report(unit(ON_REQUEST), tmp_path / "无文字.xlsx")
    wb = openpyxl.load_workbook(src)
    del wb[TEXT_SHEET]
    wb.save(src)
    out = tmp_path / "有文字.xlsx"
    text(src, out)
    from nianbao.sources import read_report

    assert read_report(out).text["overview.on_request"].startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请36件")


def test_rows_moved_in_the_text_sheet_are_found_by_their_labels(tmp_path):
    src = write_report(unit(ON_REQUEST), tmp_path / "挪动.xlsx")
    wb = openpyxl.load_workbook(src)
    insert_rows(wb[TEXT_SHEET], 3, 2)  # the clerk added two rows above the slots
    wb.save(src)
    out = tmp_path / "结果.xlsx"
    text(src, out)
    ws = openpyxl.load_workbook(out)[TEXT_SHEET]
    row = layout_of(F2021).text_rows["overview.on_request"] + 2
    assert ws.cell(row, 1).value == "（二）依申请公开"
    assert ws.cell(row, TEXT_VALUE_COL).value.startswith(ERRORS_NOTE + "\n本年度共新收政府信息公开申请36件")
    assert ws.cell(row, TEXT_MARK_COL).value == mark(ws.cell(row, TEXT_VALUE_COL).value)


def test_text_from_tables_with_errors_says_so_until_they_are_fixed(tmp_path):
    from workbooks import consistent_numbers, report

    from nianbao.check import check
    from nianbao.sources import read_report

    wrong = consistent_numbers() | {"t3.disclosed.total": 6}  # 予以公开 total no longer the sum of its row
    src = write_report(report(wrong, text={}), tmp_path / "有错.xlsx")
    result = text(src, tmp_path / "第一次.xlsx")
    assert [(f.rule, f.address) for f in result.errors] == [("T3-H", "表三!J7"), ("T3-V", "表三!J28")]
    first = _sheet_text(tmp_path / "第一次.xlsx")
    assert all(first[c.key][0].startswith(ERRORS_NOTE + "\n") for c in result.written)
    assert "予以公开6件" in first["overview.on_request"][0]
    # Left in place, the note is a to-do the checker lists (S11), so it is not published unnoticed.
    assert {f.rule for f in check(read_report(tmp_path / "第一次.xlsx"))} >= {"S11"}

    wb = openpyxl.load_workbook(tmp_path / "第一次.xlsx")
    wb["表三"]["J7"] = 4  # the clerk corrects the table
    wb.save(tmp_path / "改正.xlsx")
    again = text(tmp_path / "改正.xlsx", tmp_path / "第二次.xlsx")
    assert again.errors == []
    second = _sheet_text(tmp_path / "第二次.xlsx")
    assert {c.action for c in again.changes} == {"updated"}  # nianbao's own text, regenerated
    assert not any(ERRORS_NOTE in body for body, _ in second.values())
    assert "予以公开4件" in second["overview.on_request"][0]
