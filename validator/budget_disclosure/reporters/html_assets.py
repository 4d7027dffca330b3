"""What the HTML report carries besides the document: its words in Chinese and English, its style sheet
(assets/report.css) and its script (assets/report.js), both written inline into every report: the
report is one file that opens anywhere, without a network."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["ICON", "WORDS", "asset"]

ICON = {"error": "✖", "warning": "▲", "info": "ℹ"}

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-CN",
        "page_title": "部门预算公开校验报告",
        "unit": "单位",
        "year": "预算年度",
        "profile": "适用规范",
        "file": "文件",
        "policy": "比较方式",
        "rounding-aware": "取整感知",
        "strict": "严格比较",
        "valid": "通过",
        "invalid": "未通过",
        "unreadable": "无法读取",
        "internal": "内部错误（请报告此问题）",
        "summary": "概览",
        "by_severity": "按严重程度",
        "by_table": "按表",
        "table": "表",
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "errors": "错误",
        "warnings": "警告",
        "infos": "提示",
        "filters": "筛选",
        "all": "全部",
        "rule": "规则",
        "basis": "依据",
        "severity": "严重程度",
        "clear": "清除筛选",
        "findings": "问题清单",
        "shown": "显示 {n} / {t} 条",
        "no_findings": "未发现问题。",
        "whole_table": "涉及整张表的问题",
        "empty": "空表",
        "no_statement": "（本表未印空表说明）",
        "common_statement": "文档的空表说明：",
        "unit_line": "单位：{u}",
        "unit_name_line": "单位名称：{n}",
        "note": "注：",
        "untitled": "（未印表名）",
        "metadata": "文档信息",
        "narrative": "预算说明关键数字",
        "document": "文档",
        "absent": "本行无此栏",
        "not_shown": "文档无法读取，不能显示表格；问题见右侧清单。",
        "expected": "应为 {e}，实际 {a}，相差 {d}（取整容差 ±{v}）{u}",
        "cause": "可能的根源：{loc}",
        "skipped": "未能运行的规则（{n} 条）",
        "legend": "图例",
        "legend_rel": "相关单元格",
        "generated": "budget-disclosure {v} · 规范 {s} · 同一输入生成同一文件",
        "run_summary": (
            "共 {documents} 个文档：通过 {valid}，未通过 {invalid}，无法读取 {unreadable}；"
            "错误 {error}，警告 {warning}，提示 {info}。"
        ),
        "hint": "点击问题可定位到单元格；悬停或聚焦带标记的单元格可查看说明。",
        "colon": "：",
    },
    "en": {
        "html_lang": "en",
        "page_title": "Budget disclosure validation report",
        "unit": "Unit",
        "year": "Fiscal year",
        "profile": "Profile",
        "file": "File",
        "policy": "Arithmetic",
        "rounding-aware": "rounding-aware",
        "strict": "strict",
        "valid": "valid",
        "invalid": "invalid",
        "unreadable": "unreadable",
        "internal": "internal error (please report it)",
        "summary": "Summary",
        "by_severity": "By severity",
        "by_table": "By table",
        "table": "Table",
        "error": "error",
        "warning": "warning",
        "info": "info",
        "errors": "Errors",
        "warnings": "Warnings",
        "infos": "Info",
        "filters": "Filters",
        "all": "All",
        "rule": "Rule",
        "basis": "Basis",
        "severity": "Severity",
        "clear": "Clear filters",
        "findings": "Findings",
        "shown": "{n} of {t} shown",
        "no_findings": "No findings.",
        "whole_table": "Findings on the whole table",
        "empty": "Empty table",
        "no_statement": "(the table prints no empty-table statement)",
        "common_statement": "The document's statement on empty tables: ",
        "unit_line": "Unit: {u}",
        "unit_name_line": "Unit name: {n}",
        "note": "Note: ",
        "untitled": "(no printed title)",
        "metadata": "Document information",
        "narrative": "Narrative figures",
        "document": "Document",
        "absent": "not in this row",
        "not_shown": "The document could not be read, so no tables can be shown; see the findings.",
        "expected": "expected {e}, actual {a}, difference {d} (rounding envelope ±{v}) {u}",
        "cause": "likely cause: {loc}",
        "skipped": "Rules that could not run ({n})",
        "legend": "Legend",
        "legend_rel": "related cell",
        "generated": "budget-disclosure {v} · spec {s} · the same input gives the same file",
        "run_summary": (
            "{documents} documents: {valid} valid, {invalid} invalid, {unreadable} unreadable; "
            "{error} errors, {warning} warnings, {info} info."
        ),
        "hint": "Click a finding to go to its cell; hover over or focus a marked cell to read it.",
        "colon": ": ",
    },
}


@cache
def asset(name: str) -> str:
    """``report.css`` or ``report.js``, read once, when the first report is written."""
    return resources.files("budget_disclosure.reporters").joinpath("assets", name).read_text(encoding="utf-8")
