"""nianbao export: refusal on errors, --allow-errors, and a real LibreOffice PDF."""

from __future__ import annotations

import re
import subprocess

import docx
from click.testing import CliRunner
from conftest import require_tool

from nianbao.cli import main
from nianbao.examples import EXAMPLES

FENGLING_FILE, MISTAKES_FILE = (e.file for e in EXAMPLES)


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def test_refuses_a_report_with_errors_and_lists_them(examples_dir, tmp_path):
    out = tmp_path / "年报.docx"
    result = CliRunner().invoke(main, ["export", str(examples_dir / MISTAKES_FILE), "--docx", str(out)])
    assert result.exit_code == 1
    assert "报告有3个错误，未导出" in result.output
    for line in ("表三!J28 T3-V", "表三!J7 T3-H", "表四!E5 T4-S", "--allow-errors"):
        assert line in result.output
    assert not out.exists()


def test_allow_errors_exports_a_draft_and_says_so(examples_dir, tmp_path):
    out = tmp_path / "草稿.html"
    result = CliRunner().invoke(main, ["export", str(examples_dir / MISTAKES_FILE), "--html", str(out), "--allow-errors"])
    assert result.exit_code == 0, result.output
    assert "报告有3个错误，已按 --allow-errors 导出，仅供审阅" in result.output
    assert 'data-cell="t3.total.total">36</td>' in out.read_text(encoding="utf-8")


def test_needs_an_output(examples_dir):
    result = CliRunner().invoke(main, ["export", str(examples_dir / FENGLING_FILE)])
    assert result.exit_code == 2
    assert "请至少指定一种输出" in result.output


def test_unreadable_input_exits_2(tmp_path):
    missing = tmp_path / "没有.xlsx"
    result = CliRunner().invoke(main, ["export", str(missing), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "文件不存在" in result.output


def test_pdf_without_libreoffice_says_what_to_do(examples_dir, tmp_path):
    result = CliRunner().invoke(
        main, ["export", str(examples_dir / FENGLING_FILE), "--pdf", str(tmp_path / "x.pdf")],
        env={"PATH": str(tmp_path)},  # a PATH with no soffice on it
    )
    assert result.exit_code == 2
    assert "生成PDF需要LibreOffice，本机未安装" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_docx_html_and_pdf_through_libreoffice(soffice, examples_dir, tmp_path):
    outs = {k: tmp_path / f"峰灵镇.{k}" for k in ("docx", "html", "pdf")}
    args = ["export", str(examples_dir / FENGLING_FILE)] + [a for k, p in outs.items() for a in (f"--{k}", str(p))]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "巫溪县峰灵镇人民政府2023年政府信息公开工作年度报告（校验：0个错误、2个警告、0个提示）" in result.output
    assert [p.name for p in outs.values() if p.exists()] == ["峰灵镇.docx", "峰灵镇.html", "峰灵镇.pdf"]
    assert len(docx.Document(str(outs["docx"])).tables) == 3
    # A4 公文: the real report's text and three tables take 3 to 6 pages.
    assert 3 <= pdf_pages(outs["pdf"]) <= 6
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(outs["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for heading in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项", "四、结转下年度继续办理"):
        assert heading in flat


def test_pdf_is_simplified_chinese_and_says_which_fonts_stand_in_for_missing_ones(soffice, convert, examples_dir, tmp_path):
    from nianbao.export.pdf import embedded_fonts, missing_fonts

    pdf, docx_out = tmp_path / "峰灵镇.pdf", tmp_path / "峰灵镇.docx"
    result = CliRunner().invoke(main, ["export", str(examples_dir / FENGLING_FILE), "--pdf", str(pdf), "--docx", str(docx_out)])
    assert result.exit_code == 0, result.output
    # LibreOffice reads the East-Asian language the document declares (it picks the glyph forms by it).
    flat = convert(docx_out, "fodt").read_text(encoding="utf-8")
    assert set(re.findall(r'style:language-asian="(\w+)" style:country-asian="(\w+)"', flat)) == {("zh", "CN")}
    missing = missing_fonts()
    if missing:  # this machine lacks the 公文 fonts (fontconfig's list): the user is told, with the stand-ins
        used = embedded_fonts(pdf)
        assert used and all(f not in "、".join(used) for f in missing)
        assert (f"注意：本机没有公文字体{'、'.join(missing)}，PDF中改用{'、'.join(used)}显示（仍为简体中文字形，"
                "但不是公文规定的字体）") in result.stderr
    else:
        assert "本机没有公文字体" not in result.stderr


def test_a_report_without_text_is_refused_unless_a_draft_is_asked_for(tmp_path):
    from nianbao.report import Report
    from nianbao.workbook.build import write_report

    src = write_report(Report.from_numbers({}, name="某局", level="县级部门", region="某省某县", year=2024), tmp_path / "某局.xlsx")
    out = tmp_path / "某局.html"
    result = CliRunner().invoke(main, ["export", str(src), "--html", str(out)])
    assert result.exit_code == 1
    assert f"{src}：报告有1个发布前须解决的问题，未导出" in result.output
    assert "文字!B3 S12 报告的文字部分还没有写" in result.output and "nianbao text" in result.output
    assert not out.exists()
    draft = CliRunner().invoke(main, ["export", str(src), "--html", str(out), "--allow-errors"])
    assert draft.exit_code == 0, draft.output
    assert "报告有1个发布前须解决的问题，已按 --allow-errors 导出，仅供审阅" in draft.output
    page = out.read_text(encoding="utf-8")
    assert page.count("<h2>") == 6 and page.count("<table ") == 3
