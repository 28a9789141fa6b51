"""The 2021 national format (国办公开办函〔2021〕30号), declared once as data: ``F2021``.

    >>> F2021.cells["t3.new.total"].label
    '表三「一、本年新收政府信息公开申请数量」「总计」'
    >>> F2021.tables["t3"].column_widths[-1]
    9

Labels are reproduced exactly as the format prints them (full-width punctuation);
docs/format.md §2–§4 is the project's account of them.
"""

from __future__ import annotations

from ..schema import LEVELS, Format, MetaField, Node, Section, TableSpec, TextSlot, group, leaf

APPLICANTS = (
    leaf("自然人", "natural_person"),
    group(
        "法人或其他组织",
        leaf("商业企业", "business"),
        leaf("科研机构", "research"),
        leaf("社会公益组织", "public_interest"),
        leaf("法律服务机构", "legal_services"),
        leaf("其他", "other_org"),
        key="organisation",
    ),
    leaf("总计", "total"),
)

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

T3_ROWS = (
    leaf("一、本年新收政府信息公开申请数量", "new"),
    leaf("二、上年结转政府信息公开申请数量", "carried_over"),
    group(
        "三、本年度办理结果",
        leaf("（一）予以公开", "disclosed"),
        leaf("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
        group(
            "（三）不予公开",
            leaf("1.属于国家秘密", "refused_secret"),
            leaf("2.其他法律行政法规禁止公开", "refused_prohibited"),
            leaf("3.危及“三安全一稳定”", "refused_security"),
            leaf("4.保护第三方合法权益", "refused_third_party"),
            leaf("5.属于三类内部事务信息", "refused_internal"),
            leaf("6.属于四类过程性信息", "refused_process"),
            leaf("7.属于行政执法案卷", "refused_enforcement"),
            leaf("8.属于行政查询事项", "refused_query"),
            key="refused",
        ),
        group(
            "（四）无法提供",
            leaf("1.本机关不掌握相关政府信息", "unavailable_not_held"),
            leaf("2.没有现成信息需要另行制作", "unavailable_creation"),
            leaf("3.补正后申请内容仍不明确", "unavailable_unclear"),
            key="unavailable",
        ),
        group(
            "（五）不予处理",
            leaf("1.信访举报投诉类申请", "unprocessed_complaint"),
            leaf("2.重复申请", "unprocessed_repeat"),
            leaf("3.要求提供公开出版物", "unprocessed_publication"),
            leaf("4.无正当理由大量反复申请", "unprocessed_excessive"),
            leaf("5.要求行政机关确认或重新出具已获取信息", "unprocessed_confirm"),
            key="unprocessed",
        ),
        group(
            "（六）其他处理",
            leaf("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
            leaf("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid"),
            leaf("3.其他", "other_other"),
            key="other",
        ),
        leaf("（七）总计", "total"),
        key="results",
    ),
    leaf("四、结转下年度继续办理", "carried_forward"),
)

T4_OUTCOMES = (
    ("结果维持", "upheld"),
    ("结果纠正", "corrected"),
    ("其他结果", "other"),
    ("尚未审结", "pending"),
    ("总计", "total"),
)


def _outcomes(prefix: str) -> tuple[Node, ...]:
    return tuple(leaf(label, f"{prefix}.{key}") for label, key in T4_OUTCOMES)


T4_COLUMNS = (
    group("行政复议", *_outcomes("review"), key="review"),
    group(
        "行政诉讼",
        group("未经复议直接起诉", *_outcomes("direct"), key="direct"),
        group("复议后起诉", *_outcomes("after_review"), key="after_review"),
    ),
)

_DECISIONS = (leaf("本年处理决定数量", "decisions"),)

TABLES: dict[str, TableSpec] = {
    t.key: t
    for t in (
        TableSpec(
            "t2",
            "表二",
            "二、主动公开政府信息情况",
            (
                Section(
                    title="第二十条第（一）项",
                    corner="信息内容",
                    columns=(
                        leaf("本年制发件数", "issued"),
                        leaf("本年废止件数", "repealed"),
                        leaf("现行有效件数", "in_force"),
                    ),
                    rows=(leaf("规章", "rules"), leaf("行政规范性文件", "normative")),
                    data_width=3,
                ),
                Section(
                    title="第二十条第（五）项",
                    corner="信息内容",
                    columns=_DECISIONS,
                    rows=(leaf("行政许可", "licensing"),),
                    data_width=3,
                ),
                Section(
                    title="第二十条第（六）项",
                    corner="信息内容",
                    columns=_DECISIONS,
                    rows=(leaf("行政处罚", "punishment"), leaf("行政强制", "coercion")),
                    data_width=3,
                ),
                Section(
                    title="第二十条第（八）项",
                    corner="信息内容",
                    columns=(leaf("本年收费金额（单位：万元）", "amount"),),
                    rows=(leaf("行政事业性收费", "fees"),),
                    data_width=3,
                ),
            ),
            label_widths=(24,),
            value_width=16,
        ),
        TableSpec(
            "t3",
            "表三",
            "三、收到和处理政府信息公开申请情况",
            (Section(corner=T3_NOTE, columns=(group("申请人情况", *APPLICANTS),), rows=T3_ROWS),),
            label_widths=(6, 12, 44),
            value_width=9,
        ),
        TableSpec(
            "t4",
            "表四",
            "四、政府信息公开行政复议、行政诉讼情况",
            (Section(columns=T4_COLUMNS, rows=(leaf("", ""),)),),
            value_width=8,
        ),
    )
}

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# Headings seen in real reports instead of the official ones (docs/format.md §2.3): accepted, with a note (S1).
SECTION_HEADING_VARIANTS: tuple[tuple[str, ...], ...] = (
    (),
    ("二、主动公开政府信息的情况",),
    (),
    (
        "四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼的情况",  # the 条例第五十条 wording
    ),
    (
        "五、政府信息公开工作存在的主要问题及改进情况", "五、存在的主要问题及改进措施",
        "五、存在的主要问题及整改措施", "五、存在的主要问题及整改情况", "五、政府信息公开工作存在的主要问题及改进措施",
    ),
    ("六、其他需要说明的事项", "六、其他事项"),
)



TEXT_SLOTS: tuple[TextSlot, ...] = (
    TextSlot("overview.intro", 0, "一、总体情况（开头）"),
    TextSlot("overview.proactive", 0, "（一）主动公开", "（一）主动公开"),
    TextSlot("overview.on_request", 0, "（二）依申请公开", "（二）依申请公开"),
    TextSlot("overview.management", 0, "（三）政府信息管理", "（三）政府信息管理"),
    TextSlot("overview.platform", 0, "（四）政府信息公开平台建设", "（四）政府信息公开平台建设"),
    TextSlot("overview.oversight", 0, "（五）监督保障", "（五）监督保障"),
    TextSlot("problems.issues", 4, "（一）存在的主要问题", "（一）存在的主要问题"),
    TextSlot("problems.improvements", 4, "（二）改进情况", "（二）改进情况"),
    TextSlot("other", 5, "六、其他需要报告的事项"),
)



META_FIELDS: tuple[MetaField, ...] = (
    MetaField("name", "机关名称", "全称，如：巫溪县峰灵镇人民政府"),
    MetaField("level", "机关层级", "从下拉列表选择", tuple(LEVELS)),
    MetaField("region", "所属地区", "如：重庆市巫溪县"),
    MetaField("year", "报告年度", "如：2024"),
    MetaField("contact", "联系人"),
    MetaField("phone", "联系电话"),
    # A township clerk read "本级人民政府年度报告" as "our government's report" and answered 是, which
    # made the county's merge take the township for the county government (issue 9 #12).
    MetaField(
        "government_own", "县级以上人民政府本级报告",
        "乡镇人民政府、街道办事处和各部门填“否”；只有县（市、区）及以上人民政府自身的年度报告填“是”（汇总时只计一次）",
        ("是", "否"), former_labels=("本级人民政府年度报告",),
    ),
)

F2021 = Format(
    id="F2021",
    name="国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》",
    template_version="2021.1",
    tables=TABLES,
    # docs/format.md §3.2, §4: the one amount, the two stocks, the 规章 row a body without rule-making power marks "/".
    amount_cells=frozenset({"t2.fees.amount"}),
    stock_cells=frozenset({"t2.rules.in_force", "t2.normative.in_force"}),
    na_allowed=frozenset({"t2.rules.issued", "t2.rules.repealed", "t2.rules.in_force"}),
    section_headings=SECTION_HEADINGS,
    heading_variants=SECTION_HEADING_VARIANTS,
    text_slots=TEXT_SLOTS,
    meta_fields=META_FIELDS,
    known_typos={
        "（二）部分公开（区分处理的，只计这一情况，不计其他情形）": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "5.属于三类内容事务信息": "5.属于三类内部事务信息",
        "现行有效件数（历史累计）": "现行有效件数",
        "现行有效件": "现行有效件数",
    },
    # The 2019 format's 规范性文件 is still common in 2021-format reports: not wrong, told as an S4 hint.
    label_variants={"规范性文件": "行政规范性文件"},
    previous="F2019",
)
