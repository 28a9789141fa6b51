"""The 2019 format (国办公开办函〔2019〕60号), only to recognise it: ``F2019`` (docs/format.md §6).

nianbao does not fill or check this format cell by cell. A workbook or published report in it is
named as such (Y4 for a report of 2021 or later, V1 for 2019 and 2020); what it shares with the
2021 format (表三's and 表四's common rows) is held in the 2021 format's cells (``read_as``).
"""

from __future__ import annotations

from ..schema import Format

F2019 = Format(
    id="F2019",
    name="国办公开办函〔2019〕60号《政府信息公开工作年度报告格式（试行）》",
    read_as="F2021",
    fingerprints=(
        ("第二十条第（九）项", "有第二十条第（九）项（政府集中采购），2021年格式已删除"),
        ("政府集中采购", "有「政府集中采购」行，2021年格式已删除"),
        ("采购总金额", "有「采购总金额」列，2021年格式已删除"),
        ("本年新制作数量", "表二用「本年新制作数量」，2021年格式为「本年制发件数」"),
        ("本年新公开数量", "表二用「本年新公开数量」，2021年格式为「本年废止件数」"),
        ("对外公开总数量", "表二用「对外公开总数量」，2021年格式为「现行有效件数」"),
        ("上一年项目数量", "表二用「上一年项目数量」，2021年格式为「本年处理决定数量」"),
        ("本年增/减", "表二用「本年增/减」，2021年格式为「本年处理决定数量」"),
        ("其他对外管理服务事项", "表二有「其他对外管理服务事项」行，2021年格式已删除"),
    ),
)
