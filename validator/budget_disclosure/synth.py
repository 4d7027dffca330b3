"""Synthetic disclosures that are internally consistent by construction, at any size.

Exact amounts are drawn in fen (0.01 元) for the leaves of the function classification and for every
other source of money; everything else — subtotals, totals, the tables derived from each other, the
narrative — is computed upward from them, and only then printed: each printed amount is its exact value
rounded half-up to its displayed precision, in 万元 or 元, so rounding differences appear as they do in
real documents. Nothing is generated and then filtered.

Every random choice goes through a ``Chooser``: the property tests drive the builder from Hypothesis
(shrinking included), the kill matrix and the benchmark from a seed (``build_seeded``). ``Size`` scales a
document up to a large disclosure, drawing function and economic codes from the spec's code lists.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "PROFILES",
    "UNITS",
    "Chooser",
    "Features",
    "SeededChooser",
    "Size",
    "build",
    "build_seeded",
    "inline_indicator_columns",
    "to_json",
    "without_total_rows",
]

PROFILES = ("hunan-changsha", "mof-143-2016", "central-2021")
UNITS = (("万元", 2), ("元", 2), ("元", 0))
FEN_PER = {"元": 100, "万元": 1_000_000}

# Function leaves of the general budget: (code, name, 款 name, 类 name). Names are the code list's.
GB_LEAVES = [
    ("2011301", "行政运行", "商贸事务", "一般公共服务支出"),
    ("2011350", "事业运行", "商贸事务", "一般公共服务支出"),
    ("2011399", "其他商贸事务支出", "商贸事务", "一般公共服务支出"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "行政事业单位养老支出", "社会保障和就业支出"),
    ("2080506", "机关事业单位职业年金缴费支出", "行政事业单位养老支出", "社会保障和就业支出"),
    ("2101101", "行政单位医疗", "行政事业单位医疗", "卫生健康支出"),
    ("2101102", "事业单位医疗", "行政事业单位医疗", "卫生健康支出"),
    ("2150550", "事业运行", "工业和信息产业监管", "资源勘探工业信息等支出"),
    ("2150599", "其他工业和信息产业监管支出", "工业和信息产业监管", "资源勘探工业信息等支出"),
    ("2210201", "住房公积金", "住房改革支出", "住房保障支出"),
]
GF_LEAF = ("2120899", "其他国有土地使用权出让收入安排的支出", "国有土地使用权出让收入安排的支出", "城乡社区支出")
SC_LEAF = ("22399", "其他国有资本经营预算支出", None, "国有资本经营预算支出")
BLANK_CLASSES = [
    ("201", "一般公共服务支出"),
    ("205", "教育支出"),
    ("213", "农林水支出"),
    ("224", "灾害防治及应急管理支出"),
]

PERSONNEL_ITEMS = [
    ("30101", "基本工资"),
    ("30102", "津贴补贴"),
    ("30103", "奖金"),
    ("30107", "绩效工资"),
    ("30108", "机关事业单位基本养老保险缴费"),
    ("30109", "职业年金缴费"),
    ("30110", "职工基本医疗保险缴费"),
    ("30113", "住房公积金"),
    ("30199", "其他工资福利支出"),
]
PUBLIC_ITEMS = [
    ("30201", "办公费"),
    ("30205", "水费"),
    ("30206", "电费"),
    ("30211", "差旅费"),
    ("30228", "工会经费"),
    ("30229", "福利费"),
    ("30299", "其他商品和服务支出"),
]
FAMILY_ITEMS = [("30301", "离休费"), ("30302", "退休费"), ("30309", "奖励金")]
CLASS_NAMES = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}

SCORING = "达到目标值得满分，每低于目标值10%扣1分"
QUANTITY = [("开展服务活动次数", "次"), ("完成监测报告数量", "份"), ("更新设施数量", "处"), ("培训人次", "人次")]
QUALITY = [("验收合格率", "%"), ("系统可用率", "%"), ("报告采纳率", "%")]
TIMELY = [("完成时限", "月"), ("故障响应时间", "小时"), ("报送时限", "日")]
BENEFIT = [
    ("经济效益指标", "企业服务水平", "提高"),
    ("社会效益指标", "公共服务能力", "提升"),
    ("可持续影响指标", "长效机制", "健全"),
    ("生态效益指标", "环境质量", "改善"),
]
FISCAL_GB = ("gb", "carry")  # money spent from the general budget: this year's and carried over
SATISFACTION = ["服务对象满意度", "企业满意度", "群众满意度"]


# ------------------------------------------------------------------------------------------ choosers
class Chooser:
    """Every random choice of the builder goes through one of these methods."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def bool(self, p: float = 0.5) -> bool:
        return self.integer(0, 99) < int(p * 100)

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.integer(0, len(seq) - 1)]

    def subset(self, seq: Sequence[T], lo: int, hi: int) -> list[T]:
        n = self.integer(lo, min(hi, len(seq)))
        pool = list(seq)
        out = []
        for _ in range(n):
            out.append(pool.pop(self.integer(0, len(pool) - 1)))
        return sorted(out, key=seq.index)


class SeededChooser(Chooser):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


# ------------------------------------------------------------------------------------------ printing
@dataclass(frozen=True)
class Fmt:
    unit: str
    precision: int

    @property
    def step_fen(self) -> int:
        """The printed unit in fen (0.01 元) when it is at least a fen, else 1."""
        places: int = 10**self.precision
        return max(1, FEN_PER[self.unit] // places)

    def show(self, fen: int, precision: int | None = None) -> Decimal | None:
        """The printed value of an exact amount in fen; None (a blank cell) for zero."""
        if fen == 0:
            return None
        return self.num(fen, precision)

    def num(self, fen: int, precision: int | None = None) -> Decimal:
        p = self.precision if precision is None else precision
        value = Decimal(fen) / FEN_PER[self.unit]
        return value.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)


def _split(ch: Chooser, total: int, n: int, step: int) -> list[int]:
    """Split ``total`` fen into ``n`` positive parts that are multiples of ``step`` where possible."""
    if n <= 1:
        return [total]
    units = total // step
    if units < n:
        return [total] + [0] * (n - 1)
    cuts = sorted({ch.integer(1, units - 1) for _ in range(n - 1)})
    bounds = [0, *cuts, units]
    parts = [(bounds[i + 1] - bounds[i]) * step for i in range(len(bounds) - 1)]
    parts[-1] += total - units * step
    return parts + [0] * (n - len(parts))


# ------------------------------------------------------------------------------------------ the builder
@dataclass(frozen=True)
class Features:
    """The structural choices a document is built with; anything left None is drawn."""

    profile: str | None = None
    layout: str | None = None  # "nature" (Hunan) or "function" (MoF)
    unit: tuple[str, int] | None = None
    carryover: bool | None = None
    government_fund: bool | None = None
    state_capital: bool | None = None
    admin: bool | None = None
    purchase: bool | None = None
    exact: bool | None = None
    two_units: bool | None = None
    unit_tables: bool | None = None  # the department table printed as one table per unit (Changsha profile)
    department_whole: bool | None = None  # with unit tables: a table for the department as a whole too
    project_details: bool | None = None  # projects with period money, period, sources and cost items
    project_table: bool | None = None  # a 一般公共预算项目支出表 (Changsha profile)
    size: Size | None = None  # None: a small document (2-5 function leaves, one project per leaf)
    forms: bool | None = None  # optional columns and forms: 人员经费/公用经费, 机关运行经费, aggregate 三公 …
    # The performance forms print no 指标值类型, unit or 评（扣）分标准 column (inline_indicator_columns).
    inline_indicators: bool = False


@dataclass(frozen=True)
class Size:
    """A document's size, for documents larger than the default: how many 项 of the function
    classification carry general-budget money, how many projects the performance table lists and how
    many indicator rows each project has (at least). Codes and names come from the spec's code lists,
    and the basic expenditure table then lists every item of 301, 302 and 303."""

    leaves: int
    projects: int
    indicators: int


SANGONG_ITEMS = {
    "30217": "公务接待费",
    "30231": "公务用车运行维护费",
    "30212": "因公出国（境）费用",
    "30215": "会议费",
    "30216": "培训费",
    "31013": "公务用车购置",
}


def _code_pools() -> tuple[list[tuple[str, str, str | None, str]], dict[str, list[tuple[str, str]]]]:
    """Function leaves (项 with general-budget money, with their 款 and 类 names) and economic items by
    class, from the spec's 2024 code lists."""
    from .spec import get_spec

    spec = get_spec()
    fn = spec.codelists["function-2024"].entries
    leaves: list[tuple[str, str, str | None, str]] = [
        (c, e.name, fn[c[:5]].name, fn[c[:3]].name)
        for c, e in fn.items()
        if len(c) == 7 and "general_budget" in e.funds and c[:5] in fn and c[:3] in fn
    ]
    ec = spec.codelists["economic-2024"].entries
    items = {
        cls: [(c, e.name) for c, e in ec.items() if len(c) == 5 and c.startswith(cls) and c not in SANGONG_ITEMS]
        for cls in ("301", "302", "303")
    }
    return leaves, items


def build(ch: Chooser, f: Features = Features()) -> dict[str, Any]:
    profile = f.profile or ch.choice(PROFILES)
    unit, precision = f.unit or ch.choice(UNITS)
    fmt = Fmt(unit, precision)
    exact = ch.bool(0.3) if f.exact is None else f.exact
    layout = f.layout or ch.choice(("nature", "function"))
    carryover = ch.bool() if f.carryover is None else f.carryover
    has_gf = ch.bool() if f.government_fund is None else f.government_fund
    has_sc = profile == "central-2021" and (ch.bool() if f.state_capital is None else f.state_capital)
    admin = ch.bool() if f.admin is None else f.admin
    two_units = ch.bool(0.3) if f.two_units is None else f.two_units
    step = fmt.step_fen if exact else 1

    def money(lo_yuan: int, hi_yuan: int) -> int:
        fen = ch.integer(lo_yuan, hi_yuan) * 100 + (0 if exact else ch.integer(0, 99))
        return (fen // step) * step if exact else fen

    # --- leaves: (code, name, 款 name, 类 name) → {source: (basic, project)} in fen
    size = f.size
    leaf_pool: Sequence[tuple[str, str, str | None, str]] = GB_LEAVES
    personnel_pool, public_pool, family_pool = PERSONNEL_ITEMS, PUBLIC_ITEMS, FAMILY_ITEMS
    if size is not None:
        leaf_pool, by_class = _code_pools()
        personnel_pool, public_pool, family_pool = by_class["301"], by_class["302"], by_class["303"]
    lo_leaves, hi_leaves = (2, 5) if size is None else (size.leaves, size.leaves)
    leaves: dict[tuple[str, str, str | None, str], dict[str, list[int]]] = {}
    for leaf in ch.subset(leaf_pool, lo_leaves, hi_leaves):
        kind = ch.choice(("basic", "project", "both"))
        basic = money(50_000, 9_000_000) if kind in ("basic", "both") else 0
        project = money(50_000, 6_000_000) if kind in ("project", "both") else 0
        leaves[leaf] = {"gb": [basic, project]}
    if not any(v["gb"][0] for v in leaves.values()):
        first = next(iter(leaves))
        leaves[first]["gb"][0] = money(100_000, 5_000_000)
    if not any(v["gb"][1] for v in leaves.values()):
        last = list(leaves)[-1]
        leaves[last]["gb"][1] = money(100_000, 3_000_000)
    basic_leaf = next(k for k, v in leaves.items() if v["gb"][0])
    project_leaf = next(k for k, v in leaves.items() if v["gb"][1])
    service = money(10_000, 2_000_000) if ch.bool() else 0
    if service:
        leaves[basic_leaf]["service"] = [service, 0]
    carry = money(10_000, 800_000) if carryover else 0
    if carry:
        leaves[project_leaf]["carry"] = [0, carry]
    if has_gf:
        leaves[GF_LEAF] = {"gf": [0, money(100_000, 3_000_000)]}
    if has_sc:
        leaves[SC_LEAF] = {"sc": [0, money(100_000, 3_000_000)]}

    def amount_of(v: dict[str, list[int]], sources: Sequence[str], which: int | None = None) -> int:
        return sum((x[0] + x[1]) if which is None else x[which] for s, x in v.items() if s in sources)

    ALL = ("gb", "service", "carry", "gf", "sc")
    gb_app = sum(v.get("gb", [0, 0])[0] + v.get("gb", [0, 0])[1] for v in leaves.values())
    gf_app = sum(amount_of(v, ("gf",)) for v in leaves.values())
    sc_app = sum(amount_of(v, ("sc",)) for v in leaves.values())
    basic_all = sum(amount_of(v, ALL, 0) for v in leaves.values())
    project_all = sum(amount_of(v, ALL, 1) for v in leaves.values())
    total_all = basic_all + project_all
    gb_basic = sum(v.get("gb", [0, 0])[0] for v in leaves.values())
    gb_project = sum(amount_of(v, FISCAL_GB, 1) for v in leaves.values())

    # --- classification trees (类/款/项 rows) for a selection of sources
    def tree(
        sources: Sequence[str], cols: Callable[[dict[str, list[int]]], dict[str, int]]
    ) -> tuple[list[Any], dict[str, int]]:
        sums: dict[str, dict[str, int]] = {}
        names: dict[str, str | None] = {}
        for (code, name, kuan, lei), v in leaves.items():
            if not any(s in v for s in sources):
                continue
            values = cols({s: x for s, x in v.items() if s in sources})
            keys = [(code[:3], lei)] + ([(code[:5], kuan)] if len(code) == 7 else []) + [(code, name)]
            for key, nm in keys:
                names[key] = nm
                acc = sums.setdefault(key, {})
                for c, x in values.items():
                    acc[c] = acc.get(c, 0) + x
        rows = [(k, names[k], sums[k]) for k in sorted(sums)]
        total: dict[str, int] = {}
        for key, _, values in rows:
            if len(key) == 3:
                for c, x in values.items():
                    total[c] = total.get(c, 0) + x
        return rows, total

    def printed(
        rows: list[Any], total: dict[str, int], columns: Sequence[str], col_fmt: dict[str, int] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        col_fmt = col_fmt or {}
        out = [
            {"code": k, "name": n, **{c: fmt.show(v.get(c, 0), col_fmt.get(c)) for c in columns}} for k, n, v in rows
        ]
        return out, {c: fmt.show(total.get(c, 0), col_fmt.get(c)) for c in columns}

    def by_nature(v: dict[str, list[int]]) -> dict[str, int]:
        b = sum(x[0] for x in v.values())
        p = sum(x[1] for x in v.values())
        return {"total": b + p, "basic": b, "project": p}

    # T2 income
    if layout == "nature":
        inc_cols = [
            "total",
            "fiscal_appropriation",
            "fiscal_appropriation_funding",
            "service_income",
            "prior_year_carryover",
        ]

        def inc_values(v: dict[str, list[int]]) -> dict[str, int]:
            gb = sum(v.get("gb", [0, 0]))
            fiscal = gb + sum(v.get("gf", [0, 0])) + sum(v.get("sc", [0, 0]))
            return {
                "total": sum(sum(x) for x in v.values()),
                "fiscal_appropriation": fiscal,
                "fiscal_appropriation_funding": gb,
                "service_income": sum(v.get("service", [0, 0])),
                "prior_year_carryover": sum(v.get("carry", [0, 0])),
            }
    else:
        inc_cols = [
            "total",
            "general_budget_appropriation",
            "government_fund_appropriation",
            "state_capital_appropriation",
            "service_income",
            "prior_year_carryover",
        ]

        def inc_values(v: dict[str, list[int]]) -> dict[str, int]:
            return {
                "total": sum(sum(x) for x in v.values()),
                "general_budget_appropriation": sum(v.get("gb", [0, 0])),
                "government_fund_appropriation": sum(v.get("gf", [0, 0])),
                "state_capital_appropriation": sum(v.get("sc", [0, 0])),
                "service_income": sum(v.get("service", [0, 0])),
                "prior_year_carryover": sum(v.get("carry", [0, 0])),
            }

    rows, t = tree(ALL, inc_values)
    income_rows, income_total = printed(rows, t, inc_cols)
    rows, t = tree(ALL, by_nature)
    exp_rows, exp_total = printed(rows, t, ["total", "basic", "project"])
    rows, t = tree(FISCAL_GB, by_nature)
    gb_rows, gb_total = printed(rows, t, ["total", "basic", "project"])
    rows, t = tree(("gf",), by_nature)
    gf_rows, gf_total = printed(rows, t, ["total", "basic", "project"])
    rows, t = tree(("sc",), by_nature)
    sc_rows, sc_total = printed(rows, t, ["total", "basic", "project"])

    unit_name = ch.choice(["示例市数据服务中心", "示例县商务局", "示例区企业服务中心"])
    noted = ch.bool(0.5)
    sub_name = unit_name.replace("中心", "分中心").replace("局", "局直属站")
    units = [{"code": "900001", "name": unit_name, "level": "本级"}]
    if two_units:
        units.append({"code": "900002", "name": sub_name, "level": "下属单位"})

    def head(title: str) -> dict[str, Any]:
        out: dict[str, Any] = {"title": f"2024年{title}", "unit_name": unit_name}
        if noted:
            out["note"] = f"本表反映部门本年度{title.removesuffix('表')}情况。"
        return out

    # T1 summary
    income: dict[str, Any]
    if layout == "nature":
        income = {"fiscal_appropriation": fmt.show(gb_app + gf_app + sc_app)}
    else:
        income = {
            "general_budget_appropriation": fmt.show(gb_app),
            "government_fund_appropriation": fmt.show(gf_app),
            "state_capital_appropriation": fmt.show(sc_app),
        }
    income.update(
        {
            "service_income": fmt.show(service),
            "other_income": None,
            "current_year_total": fmt.num(gb_app + gf_app + sc_app + service),
            "prior_year_carryover": fmt.show(carry),
            "grand_total": fmt.num(total_all),
        }
    )
    expenditure: dict[str, Any] = {}
    if layout == "nature":
        expenditure = {"basic": fmt.show(basic_all), "project": fmt.show(project_all), "business_operation": None}
    else:
        classes: dict[tuple[str, str], int] = {}
        for (code, _, _, lei), v in leaves.items():
            classes[(code[:3], lei)] = classes.get((code[:3], lei), 0) + sum(sum(x) for x in v.values())
        expenditure = {
            "by_function": [{"code": c, "name": n, "amount": fmt.num(a)} for (c, n), a in sorted(classes.items())]
        }
    expenditure.update(
        {
            "current_year_total": fmt.num(total_all),
            "surplus_distribution": None,
            "carry_forward": None,
            "grand_total": fmt.num(total_all),
        }
    )
    summary = {**head("部门收支总表"), "income": income, "expenditure": expenditure}

    # T4 fiscal summary
    fiscal_classes: dict[tuple[str, str], dict[str, int]] = {}
    for (code, _, _, lei), v in leaves.items():
        acc = fiscal_classes.setdefault(
            (code[:3], lei), {"general_budget": 0, "government_fund": 0, "state_capital": 0}
        )
        acc["general_budget"] += amount_of(v, FISCAL_GB)
        acc["government_fund"] += amount_of(v, ("gf",))
        acc["state_capital"] += amount_of(v, ("sc",))
    for code, name in ch.subset(BLANK_CLASSES, 0, 2):
        fiscal_classes.setdefault((code, name), {"general_budget": 0, "government_fund": 0, "state_capital": 0})
    fiscal_rows = []
    for (code, name), by_fund in sorted(fiscal_classes.items()):
        row_total = sum(by_fund.values())
        fiscal_rows.append(
            {"code": code, "name": name, "total": fmt.show(row_total), **{k: fmt.show(x) for k, x in by_fund.items()}}
        )
    gb_spend = gb_app + carry

    def fund_line(gb: int, gf: int, sc: int) -> dict[str, Any]:
        return {
            "total": fmt.num(gb + gf + sc),
            "general_budget": fmt.show(gb),
            "government_fund": fmt.show(gf),
            "state_capital": fmt.show(sc),
        }

    fiscal = {
        **head("财政拨款收支总表"),
        "income": {
            "current_year": fmt.num(gb_app + gf_app + sc_app),
            "general_budget": fmt.show(gb_app),
            "government_fund": fmt.show(gf_app),
            "state_capital": fmt.show(sc_app),
            "prior_year_carryover": fmt.show(carry),
            "grand_total": fmt.num(gb_spend + gf_app + sc_app),
        },
        "expenditure": {
            "current_year": fund_line(gb_spend, gf_app, sc_app),
            "rows": fiscal_rows,
            "carry_forward": {"total": None, "general_budget": None, "government_fund": None, "state_capital": None},
            "grand_total": fund_line(gb_spend, gf_app, sc_app),
        },
    }
    if carry and ch.bool():
        fiscal["income"]["prior_year_carryover_general_budget"] = fmt.show(carry)

    # T6 basic expenditure: the general budget's basic money by economic item; 三公 items first.
    purchase = ch.bool() if f.purchase is None else f.purchase
    reception_b = (money(1_000, 60_000) // step) * step if ch.bool(0.8) else 0
    operation_b = (money(1_000, 80_000) // step) * step if ch.bool(0.7) else 0
    overseas_b = (money(1_000, 50_000) // step) * step if ch.bool(0.3) else 0
    purchase_b = (money(50_000, 200_000) // step) * step if purchase and ch.bool(0.4) else 0
    meeting_b = (money(1_000, 30_000) // step) * step if ch.bool(0.6) else 0
    training_b = (money(1_000, 40_000) // step) * step if ch.bool(0.6) else 0
    fixed = reception_b + operation_b + overseas_b + purchase_b + meeting_b + training_b
    if fixed * 4 > gb_basic:  # keep the 三公 items a small part of basic spending
        reception_b = operation_b = overseas_b = purchase_b = meeting_b = training_b = 0
        fixed = 0
    rest = gb_basic - fixed
    personnel_share = (rest * ch.integer(55, 85)) // 100
    personnel_share = (personnel_share // step) * step
    family_share = (personnel_share * ch.integer(0, 20)) // 100
    family_share = (family_share // step) * step
    salary_share = personnel_share - family_share
    public_share = rest - personnel_share
    items: dict[str, int] = {}
    for (code, _), amt in zip(
        p_items := ch.subset(personnel_pool, *_span(size, (2, 6), personnel_pool)),
        _split(ch, salary_share, len(p_items), step),
        strict=True,
    ):
        items[code] = items.get(code, 0) + amt
    if family_share:
        for (code, _), amt in zip(
            f_items := ch.subset(family_pool, *_span(size, (1, 2), family_pool)),
            _split(ch, family_share, len(f_items), step),
            strict=True,
        ):
            items[code] = amt
    for (code, _), amt in zip(
        u_items := ch.subset(public_pool, *_span(size, (2, 5), public_pool)),
        _split(ch, public_share, len(u_items), step),
        strict=True,
    ):
        items[code] = items.get(code, 0) + amt
    for code, amt in (
        ("30217", reception_b),
        ("30231", operation_b),
        ("30212", overseas_b),
        ("30215", meeting_b),
        ("30216", training_b),
        ("31013", purchase_b),
    ):
        if amt:
            items[code] = amt
    names = {**dict(personnel_pool), **dict(public_pool), **dict(family_pool), **SANGONG_ITEMS}
    col_precision: dict[str, int] = {}
    if unit == "元" and precision == 2 and not exact and ch.bool(0.3):
        col_precision = {"personnel": 0, "public": 0}  # printed as whole 元 beside totals with fen
    classes_e: dict[str, int] = {}
    for code, amt in items.items():
        if amt:
            classes_e[code[:3]] = classes_e.get(code[:3], 0) + amt

    def basic_row(code: str, name: str, amount: int) -> dict[str, Any]:
        # 工资福利 (301) and 对个人和家庭的补助 (303) are personnel spending, the other classes public.
        pers = code[:3] in ("301", "303")
        return {
            "code": code,
            "name": name,
            "total": fmt.num(amount),
            "personnel": fmt.num(amount, col_precision.get("personnel")) if pers else None,
            "public": None if pers else fmt.num(amount, col_precision.get("public")),
        }

    basic_rows = []
    for cls in sorted(classes_e):
        basic_rows.append(basic_row(cls, CLASS_NAMES[cls], classes_e[cls]))
        basic_rows.extend(
            basic_row(code, names[code], items[code])
            for code in sorted(c for c in items if c.startswith(cls) and items[c])
        )
    personnel = classes_e.get("301", 0) + classes_e.get("303", 0)
    public = gb_basic - personnel
    basic_table: dict[str, Any] = {
        **head("一般公共预算基本支出表"),
        "rows": basic_rows,
        "total_row": {
            "total": fmt.num(gb_basic),
            "personnel": fmt.show(personnel, col_precision.get("personnel")),
            "public": fmt.show(public, col_precision.get("public")),
        },
    }
    if col_precision:
        basic_table["amounts"] = {"columns": col_precision}

    # 三公: the basic parts plus project parts, for one or two units.
    cap = max(1, gb_project // 20)
    # Figures the narrative states again are whole printed steps (or nothing): a zero the text writes
    # ("0万元") is then a true zero, as the rules read it.
    pstep = fmt.step_fen
    reception = reception_b + (ch.integer(0, cap) // pstep) * pstep
    overseas = overseas_b + ((ch.integer(0, cap) // pstep) * pstep if ch.bool(0.3) else 0)
    operation = operation_b + (ch.integer(0, cap) // pstep) * pstep if (operation_b or ch.bool(0.5)) else 0
    vpurchase = purchase_b + ((ch.integer(1, cap) // pstep) * pstep if purchase else 0)
    if purchase:  # a purchase that prints as a non-zero figure (the narrative then plans new vehicles)
        vpurchase = max(vpurchase, fmt.step_fen)
    tp_total = {
        "reception": reception,
        "overseas_travel": overseas,
        "vehicle_purchase": vpurchase,
        "vehicle_operation": operation,
    }

    def tp_line(v: dict[str, int]) -> dict[str, Any]:
        vehicles = v["vehicle_purchase"] + v["vehicle_operation"]
        return {
            "subtotal": fmt.show(v["reception"] + v["overseas_travel"] + vehicles),
            "reception": fmt.show(v["reception"]),
            "overseas_travel": fmt.show(v["overseas_travel"]),
            "vehicles": fmt.show(vehicles),
            "vehicle_purchase": fmt.show(v["vehicle_purchase"]),
            "vehicle_operation": fmt.show(v["vehicle_operation"]),
        }

    if two_units:
        share = {k: ((x * ch.integer(0, 100)) // 100 // step) * step for k, x in tp_total.items()}
        tp_rows = [
            {"name": unit_name, **tp_line({k: tp_total[k] - share[k] for k in tp_total})},
            {"name": sub_name, **tp_line(share)},
        ]
    else:
        tp_rows = [{"name": unit_name, **tp_line(tp_total)}]
    three = {**head("一般公共预算“三公”经费支出表"), "rows": tp_rows, "total_row": tp_line(tp_total)}
    tp_subtotal = reception + overseas + vpurchase + operation

    tables: dict[str, Any] = {
        "summary": summary,
        "income": {**head("部门收入总表"), "rows": income_rows, "total_row": income_total},
        "expenditure": {**head("部门支出总表"), "rows": exp_rows, "total_row": exp_total},
        "fiscal_summary": fiscal,
        "general_budget_expenditure": {**head("一般公共预算支出表"), "rows": gb_rows, "total_row": gb_total},
        "basic_expenditure": basic_table,
        "three_public_expenses": three,
        "government_fund_expenditure": (
            {**head("政府性基金预算支出表"), "rows": gf_rows, "total_row": gf_total}
            if has_gf
            else {
                "empty": True,
                "statement": ch.choice([None, "本部门无政府性基金预算收支"]),
                **head("政府性基金预算支出表"),
            }
        ),
    }
    if profile == "central-2021":
        tables["state_capital_expenditure"] = (
            {**head("国有资本经营预算支出表"), "rows": sc_rows, "total_row": sc_total}
            if has_sc
            else {"empty": True, "statement": "本部门无国有资本经营预算收支"}
        )

    # Performance tables (Changsha profile): one project per project leaf and source.
    projects_money: list[tuple[str, int, str]] = []
    if profile == "hunan-changsha":
        names_pool = [
            "数据平台运维项目",
            "产业运行监测分析项目",
            "城区更新基金项目",
            "企业服务专项",
            "商贸流通促进项目",
            "离退休人员工作经费",
            "公共服务平台建设项目",
            "中小企业培育项目",
            "项目评审工作经费",
            "信息化建设项目",
            "国资改革项目",
            "专项调研经费",
        ]
        pool = list(names_pool)
        funded: list[tuple[int, str]] = [
            (v[src][1], src) for v in leaves.values() for src in ("gb", "carry", "gf") if src in v and v[src][1]
        ]
        if size is not None:
            funded = _merge_projects(funded, size.projects)
        for number, (amt, src) in enumerate(funded, start=1):
            name = pool.pop(ch.integer(0, len(pool) - 1)) if pool else f"专项业务经费{number:03d}"
            projects_money.append((name, amt, src))
        extra = 0 if size is None else size.indicators
        projects = [_project(ch, name, amt, fmt, extra) for name, amt, _ in projects_money]
        tables["project_performance"] = {
            **head("项目支出绩效目标表"),
            "total_row": {"amount": fmt.num(project_all)},
            "units": [
                {"unit_code": "900001", "unit_name": unit_name, "amount": fmt.num(project_all), "projects": projects}
            ],
        }
        tables["department_performance"] = {
            **head("部门整体支出绩效目标表"),
            "unit_code": "900001",
            "unit_name": unit_name,
            "amount": fmt.num(total_all),
            "by_source": {
                "general_budget": fmt.show(gb_spend),
                "government_fund": fmt.show(gf_app),
                "special_account": None,
                "other": fmt.show(service),
            },
            "by_nature": {"basic": fmt.show(basic_all), "project": fmt.show(project_all)},
            "goal": "保障单位正常运转，完成年度重点任务。",
            "indicators": _department_indicators(ch, basic_all, project_all, fmt) + _shared_indicators(ch, tables),
        }

    # Narrative: the key figures as the text states them.
    nfmt = fmt
    written = ch.bool(0.2)
    prev_income = total_all + ((ch.integer(-50, 50) * total_all) // 1000 // step) * step
    change = total_all - prev_income

    def pct(num: int, den: int) -> Decimal:
        return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    narrative: dict[str, Any] = {
        "amounts": {"unit": unit, "precision": "as_written" if written else precision},
        "income": {
            "total": nfmt.num(total_all),
            "general_budget_appropriation": nfmt.num(gb_app),
            "government_fund_appropriation": nfmt.num(gf_app),
            "change": {"amount": nfmt.num(change), "percent": pct(change, prev_income)},
        },
        "expenditure": {
            "total": nfmt.num(total_all),
            "by_function": [
                {"code": r["code"], "name": r["name"], "amount": r["total"]} for r in exp_rows if len(r["code"]) == 3
            ],
            "change": {"amount": nfmt.num(change), "percent": pct(change, prev_income)},
        },
        "general_budget_expenditure": {
            "total": nfmt.num(gb_spend),
            "basic": nfmt.num(gb_basic),
            "project": nfmt.num(gb_project),
            "by_function": [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "amount": r["total"],
                    "share_percent": pct(
                        sum(amount_of(v, FISCAL_GB) for (c, *_), v in leaves.items() if c.startswith(r["code"])),
                        gb_spend,
                    ),
                }
                for r in gb_rows
                if len(r["code"]) == 3
            ],
        },
        "government_fund_expenditure": {"total": nfmt.num(gf_app)},
        "operating_expenses": nfmt.num(public) if admin else nfmt.num(0),
        "three_public": {
            "total": nfmt.num(tp_subtotal),
            "reception": nfmt.num(reception),
            "overseas_travel": nfmt.num(overseas),
            "vehicles": nfmt.num(vpurchase + operation),
            "vehicle_purchase": nfmt.num(vpurchase),
            "vehicle_operation": nfmt.num(operation),
        },
        "meeting_expenses": nfmt.num(meeting_b + (ch.integer(0, 5000) // pstep) * pstep),
        "training_expenses": nfmt.num(training_b + (ch.integer(0, 5000) // pstep) * pstep),
    }
    if sc_app:
        narrative["income"]["state_capital_appropriation"] = nfmt.num(sc_app)
    goods, works, services = (fen if fen >= pstep else 0 for fen in [money(0, 200_000) for _ in range(3)])
    proc = {
        "total": nfmt.num(goods + works + services),
        "goods": nfmt.num(goods),
        "works": nfmt.num(works),
        "services": nfmt.num(services),
    }
    if ch.bool(0.5):
        proc["sme_reserved"] = nfmt.num(((goods + works + services) * ch.integer(0, 100) // 100 // step) * step)
    narrative["procurement"] = proc
    prev_tp = 0
    if prev_income > 0 and tp_subtotal and ch.bool(0.5):
        prev_tp = tp_subtotal + (ch.integer(0, tp_subtotal) // pstep) * pstep
        narrative["three_public"]["change"] = {
            "amount": nfmt.num(tp_subtotal - prev_tp),
            "percent": pct(tp_subtotal - prev_tp, prev_tp),
        }
    kinds = ["confidential", "emergency", "law_enforcement", "special_technical", "other"]
    held = {k: ch.integer(0, 2) for k in kinds}
    if operation and not sum(held.values()):
        held["other"] = 1
    planned = {k: 0 for k in kinds}
    if vpurchase:
        planned["other"] = ch.integer(1, 2)
    narrative["vehicles"] = {
        "held": {"total": sum(held.values()), **held},
        "planned": {"total": sum(planned.values()), **planned},
    }
    big = ch.integer(0, 3)
    narrative["equipment"] = {
        "held": {"over_500k": big, "over_1m": ch.integer(0, big)},
        "planned": {"over_500k": 0, "over_1m": 0},
    }
    if profile == "hunan-changsha":
        narrative["performance"] = {
            "total": nfmt.num(total_all),
            "basic": nfmt.num(basic_all),
            "project": nfmt.num(project_all),
        }
        if ch.bool(0.5):  # the text lists the general-budget projects, which add up to its project expenditure
            narrative["general_budget_expenditure"]["projects"] = [
                {"name": n, "amount": nfmt.num(a)} for n, a, src in projects_money if src in FISCAL_GB
            ]

    # Last year's figures, each the rounding of its own true figure (drawn last: earlier choices stay put).
    if ch.bool(0.5):
        for key, prior in (("income", prev_income), ("expenditure", prev_income), ("three_public", prev_tp)):
            if "change" in narrative[key]:
                narrative[key]["change"]["prior"] = nfmt.num(prior)

    _narrative_changes(ch, narrative, nfmt, 2024, step)
    # Optional columns and forms, drawn last so that every earlier choice stays put.
    if ch.bool(0.3) if f.forms is None else f.forms:
        _optional_forms(ch, tables, fmt, leaves, personnel, public if admin else 0, tp_total, step)
    if profile == "hunan-changsha":  # drawn last: earlier choices stay put
        true = {"general_budget": gb_spend, "government_fund": gf_app, "other": service}
        true.update(basic=basic_all, project=project_all)
        _performance_forms(ch, f, tables, fmt, step, true, two_units, (unit_name, sub_name))
        _project_table(ch, f, tables, fmt, [(n, a) for n, a, src in projects_money if src in FISCAL_GB], gb_project)

    metadata = {
        "kind": "department_budget",
        "fiscal_year": 2024,
        "unit_code": "900001",
        "unit_name": unit_name,
        "institution_type": "行政单位" if admin else "公益一类事业单位",
        "units": units,
        "empty_table_statement": "空表表示本部门无相关收支情况",
    }
    document = _titled(
        {
            "profile": profile,
            "metadata": metadata,
            "amounts": {"unit": unit, "precision": precision},
            "tables": tables,
            "narrative": narrative,
        }
    )
    return inline_indicator_columns(document) if f.inline_indicators else document


def _titled(document: dict[str, Any]) -> dict[str, Any]:
    """Each table titled as its profile's form prints it (rules/profiles.yaml ``titles``, without the
    optional unit prefix), for the document's fiscal year."""
    from .spec import get_spec

    profile = get_spec().profiles[document["profile"]]
    year = str(document["metadata"]["fiscal_year"])
    for tid, table in document["tables"].items():
        patterns = profile.titles.get(tid)
        if patterns and isinstance(table, dict):
            table["title"] = patterns[0].replace("{unit}", "").replace("{year}", year)
    return document


def _narrative_changes(ch: Chooser, narrative: dict[str, Any], fmt: Fmt, fiscal_year: int, step: int) -> None:
    """Changes against last year beside the figures the text states (drawn last: earlier choices stay put).

    Each printed current figure is taken as exact; last year's figure is drawn in fen (zero for something
    new, which then gets no rate), and the change, its rate and last year's figure are each rounded once;
    in an exact document last year's figure is a whole number of printed steps, so nothing is rounded.
    Changes already stated get their direction word and the year compared with.
    """

    def fen(value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return None
        return int(Decimal(value) * FEN_PER[fmt.unit])

    def word(sign: int) -> str:
        return ch.choice({1: ("增加", "增长", "上升"), -1: ("减少", "下降", "降低"), 0: ("持平",)}[sign])

    for key in ("income", "expenditure", "three_public"):
        stated = narrative[key].get("change")
        if isinstance(stated, dict):
            amount = stated.get("amount", 0)
            stated["direction"] = word((amount > 0) - (amount < 0))
            if ch.bool(0.5):
                stated["base_year"] = fiscal_year - 1

    gbe, tp = narrative["general_budget_expenditure"], narrative["three_public"]
    subjects: list[tuple[dict[str, Any], str, dict[str, Any], str]] = [
        (row, "amount", row, "change") for row in narrative["expenditure"]["by_function"] + gbe["by_function"]
    ]
    subjects += [
        (gbe, "total", gbe, "change"),
        (gbe, "basic", gbe, "basic_change"),
        (gbe, "project", gbe, "project_change"),
    ]
    subjects += [
        (narrative["government_fund_expenditure"], "total", narrative["government_fund_expenditure"], "change")
    ]
    items = tp.setdefault("item_changes", {})
    subjects += [
        (tp, k, items, k) for k in ("reception", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation")
    ]
    subjects += [
        (narrative, k, narrative, k + "_change")
        for k in ("operating_expenses", "meeting_expenses", "training_expenses")
    ]
    for holder, current_key, into, change_key in subjects:
        current = fen(holder.get(current_key))
        if current is None or not ch.bool(0.3):
            continue
        # In fen, a whole number of printed steps when the document is built exact (step > 1).
        half = (current // 2 + 100) // step
        prior = 0 if ch.bool(0.1) else max(0, current + ch.integer(-half, half) * step)
        change = current - prior
        stated = {"amount": fmt.num(change)}
        if prior and ch.bool(0.7):
            stated["percent"] = (Decimal(change) * 100 / Decimal(prior)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        if ch.bool(0.5) and (prior == 0 or fmt.num(prior)):  # a prior that prints as zero would say "none"
            stated["prior"] = fmt.num(prior)
        if ch.bool(0.5):
            stated["direction"] = word((change > 0) - (change < 0))
        if ch.bool(0.3):
            stated["base_year"] = fiscal_year - 1
        into[change_key] = stated
    if not items:
        del tp["item_changes"]


def _optional_forms(
    ch: Chooser,
    tables: dict[str, Any],
    fmt: Fmt,
    leaves: Mapping[tuple[str, str, str | None, str], Mapping[str, list[int]]],
    personnel: int,
    operating: int,
    tp_total: Mapping[str, int],
    step: int,
) -> None:
    """The forms some disclosures print (each drawn): 一般公共预算支出表 with 基本支出 split into 人员经费 and
    公用经费; a 三公 table with 机关运行经费, with last year's column and the change, with columns by budget
    source, or as the aggregate of a 部门 or 区本级 without unit rows. Amounts in fen, as in ``build``."""
    if ch.bool(0.6):
        # Personnel money spread over the function leaves with basic money (whole steps), never above a leaf's.
        basic = {leaf[0]: v["gb"][0] // step for leaf, v in leaves.items() if "gb" in v and v["gb"][0]}
        whole, units = sum(basic.values()), personnel // step
        share = {code: b * units // whole for code, b in basic.items()}
        for code in basic:
            extra = min(basic[code] - share[code], units - sum(share.values()))
            share[code] += extra
        gb = tables["general_budget_expenditure"]
        for row in gb["rows"]:
            b = sum(v * step for code, v in basic.items() if code.startswith(row["code"]))
            p = sum(v * step for code, v in share.items() if code.startswith(row["code"]))
            row["personnel"], row["public"] = fmt.show(p), fmt.show(b - p)
        gb_basic = sum(basic.values()) * step
        gb["total_row"]["personnel"] = fmt.show(personnel)
        gb["total_row"]["public"] = fmt.show(gb_basic - personnel)
    three = tables["three_public_expenses"]

    def line(v: Mapping[str, int]) -> dict[str, Any]:
        vehicles = v["vehicle_purchase"] + v["vehicle_operation"]
        return {
            "subtotal": fmt.show(v["reception"] + v["overseas_travel"] + vehicles),
            "reception": fmt.show(v["reception"]),
            "overseas_travel": fmt.show(v["overseas_travel"]),
            "vehicles": fmt.show(vehicles),
            "vehicle_purchase": fmt.show(v["vehicle_purchase"]),
            "vehicle_operation": fmt.show(v["vehicle_operation"]),
        }

    if ch.bool(0.5):  # 机关运行经费 beside the 三公 items (all of it in the first unit's row)
        three["total_row"]["operating_expenses"] = fmt.show(operating)
        three["rows"][0]["operating_expenses"] = fmt.show(operating)
    if ch.bool(0.5):  # last year's budget on whole steps, and the change as printed this year minus last year
        sf, nil = fmt.step_fen, fmt.num(0)
        prior = {k: ch.integer(0, (2 * x + 100_000) // sf) * sf for k, x in tp_total.items()}
        three["prior_year"] = line(prior)
        three["change"] = {k: (v or nil) - (three["prior_year"].get(k) or nil) for k, v in three["total_row"].items()}
    if ch.bool(0.5):  # 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算: all of it general budget
        zero = {k: fmt.num(0) for k in three["total_row"]}
        three["sources"] = {
            "general_budget": dict(three["total_row"]),
            "government_fund": zero,
            "state_capital": dict(zero),
        }
    if ch.bool(0.4):  # the aggregate form: no unit rows
        del three["rows"]
        three["aggregate"] = True


def _indicator(
    level1: str, level2: str, level3: str, value: str, vtype: str, unit: str, content: str = "按年度计划执行"
) -> dict[str, Any]:
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "value": value,
        "value_content": content,
        "scoring": SCORING,
        "unit": unit,
        "value_type": vtype,
        "remark": None,
    }


def _span(size: Size | None, small: tuple[int, int], pool: Sequence[Any]) -> tuple[int, int]:
    """How many items of a pool to take: a small range by default, all of them for a sized document."""
    return small if size is None else (len(pool), len(pool))


def _merge_projects(funded: list[tuple[int, str]], n: int) -> list[tuple[int, str]]:
    """At most ``n`` projects: the general-budget money (this year's and carried over, one source for
    the narrative's project list) is pooled into as many projects as the other sources leave room for."""
    other = [p for p in funded if p[1] not in FISCAL_GB]
    fiscal = [p for p in funded if p[1] in FISCAL_GB]
    room = max(1, n - len(other))
    if len(fiscal) <= room:
        return funded
    buckets = [0] * room
    for i, (amt, _) in enumerate(fiscal):
        buckets[i % room] += amt
    return [(amt, "gb") for amt in buckets] + other


def _project(ch: Chooser, name: str, fen: int, fmt: Fmt, indicators: int = 0) -> dict[str, Any]:
    wan = Decimal(fen) / 1_000_000
    cost = (wan * Decimal(ch.integer(50, 100)) / 100).quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
    rows = [_indicator("成本指标", "经济成本指标", "项目总成本", format(cost, "f"), "≤", "万元")]
    if ch.bool(0.5):
        rows.append(
            {
                "level1": "成本指标",
                "level2": "社会成本指标",
                "level3": None,
                "value": None,
                "value_content": None,
                "scoring": None,
                "unit": None,
                "value_type": None,
                "remark": None,
            }
        )
    qname, qunit = ch.choice(QUANTITY)
    rows.append(_indicator("产出指标", "数量指标", qname, str(ch.integer(1, 50)), ch.choice(["≥", "="]), qunit))
    if ch.bool(0.7):
        lname, lunit = ch.choice(QUALITY)
        rows.append(_indicator("产出指标", "质量指标", lname, str(ch.integer(80, 100)), "≥", lunit))
    if ch.bool(0.7):
        tname, tunit = ch.choice(TIMELY)
        rows.append(_indicator("产出指标", "时效指标", tname, str(ch.integer(1, 12)), "≤", tunit))
    level2, bname, word = ch.choice(BENEFIT)
    rows.append(_indicator("效益指标", level2, bname, word, "定性", ch.choice(["-", None]) or "-"))
    rows.append(
        _indicator(
            "满意度指标",
            "服务对象满意度指标",
            ch.choice(SATISFACTION),
            str(ch.integer(80, 99)),
            ch.choice(["≥", ">"]),
            "%",
        )
    )
    for number in range(1, indicators - len(rows) + 1):  # a large project: more output indicators
        qname, qunit = QUANTITY[number % len(QUANTITY)]
        rows.insert(
            -2, _indicator("产出指标", "数量指标", f"{qname}（第{number}项任务）", str(ch.integer(1, 50)), "≥", qunit)
        )
    return {
        "unit_code": "900001",
        "name": name,
        "amount": fmt.num(fen),
        "goal": f"完成{name}年度任务。",
        "indicators": rows,
    }


def _department_indicators(ch: Chooser, basic: int, project: int, fmt: Fmt) -> list[dict[str, Any]]:
    def row(level1: str, level2: str, level3: str, vtype: str, value: str, unit: str) -> dict[str, Any]:
        return {
            "level1": level1,
            "level2": level2,
            "level3": level3,
            "value_type": vtype,
            "value": value,
            "unit": unit,
            "explanation": "年度目标",
            "scoring": SCORING,
            "remark": "10",
        }

    # The cost targets are the budget's own basic and project expenditure, as the table prints them
    # (indicators.department-cost-basic/-project hold them to by_nature).
    rows = [row("成本指标", "经济成本指标", "基本支出", "≤", format(fmt.num(basic), "f"), fmt.unit)]
    if project:
        rows.append(row("成本指标", "经济成本指标", "项目支出", "≤", format(fmt.num(project), "f"), fmt.unit))
    rows.append(row("产出指标", "数量指标", "完成重点任务数", "≥", str(ch.integer(1, 20)), "项"))
    rows.append(row("产出指标", "质量指标", "任务完成合格率", "≥", str(ch.integer(85, 100)), "%"))
    rows.append(row("效益指标", "社会效益指标", "公共服务能力", "定性", ch.choice(["提升", "增强"]), "-"))
    rows.append(row("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", str(ch.integer(80, 99)), "%"))
    return rows


def _shared_indicators(ch: Chooser, tables: dict[str, Any]) -> list[dict[str, Any]]:
    """Sometimes the department table repeats a project's output indicator, stated alike (as
    indicators.department-matches-project requires), with the department table's columns."""
    if "project_performance" not in tables or tables["project_performance"].get("empty") or not ch.bool(0.6):
        return []
    projects = [p for u in tables["project_performance"]["units"] for p in u["projects"]]
    outputs = [i for p in projects for i in p["indicators"] if i["level1"] == "产出指标" and i["level3"]]
    if not outputs:
        return []
    names = [i["level3"] for i in outputs]
    unique = [i for i in outputs if names.count(i["level3"]) == 1]
    if not unique:
        return []
    shared = dict(unique[ch.integer(0, len(unique) - 1)])
    content = shared.pop("value_content", None)
    return [{**shared, "explanation": content or "年度目标"}]


def _performance_forms(
    ch: Chooser,
    f: Features,
    tables: dict[str, Any],
    fmt: Fmt,
    step: int,
    fen: dict[str, int],
    two_units: bool,
    names: tuple[str, str],
) -> None:
    """The department table as one table per unit (with or without one for the whole), and projects that
    print their period, their money over it, their sources and their cost items. ``fen``: the true
    figures of the department table (by source, basic, project), each unit's figures printed from them."""
    details = ch.bool(0.5) if f.project_details is None else f.project_details
    if details:
        for project in (p for u in tables["project_performance"]["units"] for p in u["projects"]):
            amount = round(project["amount"] * FEN_PER[fmt.unit])  # the printed amount, exactly
            first, years = 2024 - ch.integer(0, 2), ch.integer(0, 3)
            project["period_amount"] = fmt.num(amount * ch.integer(1, 3))
            last = max(first + years, 2024)  # a project funded this year runs this year
            project["period"] = {"text": f"{first}-{last}年" if last > first else "1年", "start_year": first}
            project["period"]["end_year"] = last
            superior = (amount * ch.integer(0, 100) // 100 // step) * step
            carry = ((amount - superior) * ch.integer(0, 30) // 100 // step) * step
            project["by_source"] = {
                "fiscal": fmt.show(amount - carry),
                "fiscal_superior": fmt.show(superior),
                "carryover": fmt.show(carry),
            }
            parts = _split(ch, amount, ch.integer(1, 3), step)
            project["cost_items"] = [
                {"name": f"成本项{n}", "amount": fmt.num(part), "basis": "按标准测算"}
                for n, part in enumerate(parts, start=1)
                if part
            ]
    if not (ch.bool(0.5) if f.unit_tables is None else f.unit_tables):
        return
    whole = tables["department_performance"]
    basic, project = fen["basic"], fen["project"]
    # The subordinate unit: a share of the basic expenditure, from the general budget.
    share = (min(basic, fen["general_budget"]) * ch.integer(1, 40) // 100 // step) * step if two_units else 0

    def table(code: str, name: str, gb: int, basic_u: int, rest: bool) -> dict[str, Any]:
        gf, other = (fen["government_fund"], fen["other"]) if rest else (0, 0)
        project_u = project if rest else 0
        return {
            "unit_code": code,
            "unit_name": name,
            "amount": fmt.num(basic_u + project_u),
            "by_source": {
                "general_budget": fmt.show(gb),
                "government_fund": fmt.show(gf),
                "special_account": None,
                "other": fmt.show(other),
            },
            "by_nature": {"basic": fmt.show(basic_u), "project": fmt.show(project_u)},
            "goal": f"保障{name}正常运转，完成年度重点任务。",
            "indicators": _department_indicators(ch, basic_u, project_u, fmt),
        }

    units = [table("900001", names[0], fen["general_budget"] - share, basic - share, True)]
    if two_units:
        units.append(table("900002", names[1], share, share, False))
    if not (ch.bool(0.5) if f.department_whole is None else f.department_whole):
        for key in ("amount", "by_source", "by_nature", "goal", "indicators"):
            whole.pop(key, None)
    whole["units"] = units


def _project_table(
    ch: Chooser, f: Features, tables: dict[str, Any], fmt: Fmt, projects: list[tuple[str, int]], total: int
) -> None:
    """一般公共预算项目支出表: the general-budget projects, adding up to the general budget's project column."""
    if not (ch.bool(0.5) if f.project_table is None else f.project_table):
        return
    head = {"title": "2024年一般公共预算项目支出表", "unit_name": tables["summary"].get("unit_name")}
    if not total:
        tables["general_budget_project_expenditure"] = {"empty": True, "statement": "本部门无一般公共预算项目支出"}
        return
    if not projects:
        return
    tables["general_budget_project_expenditure"] = {
        **{k: v for k, v in head.items() if v is not None},
        "rows": [{"name": name, "amount": fmt.num(fen)} for name, fen in projects],
        "total_row": {"amount": fmt.num(total)},
    }


def build_seeded(seed: int, features: Features = Features()) -> dict[str, Any]:
    """The document a seed builds, the same on every machine and Python version."""
    return build(SeededChooser(seed), features)


def to_json(value: Any) -> str:
    """JSON text with every ``Decimal`` written exactly as the number it is (``json.dumps`` cannot)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + json.dumps(key, ensure_ascii=False) + ":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        out.append(format(value, "f"))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


# ------------------------------------------------------------------------------------------ form variants
_NO_UNIT = (None, "-", "—", "/", "无")
_COMPARATOR = {"≥": "≥", "≤": "≤", "=": "=", ">": ">", "<": "<", ">=": "≥", "<=": "≤", "＝": "=", "＞": ">", "＜": "<"}


_PERFORMANCE = ("project_performance", "department_performance")


def inline_indicator_columns(
    document: dict[str, Any], *, scoring: bool = True, tables: Sequence[str] = _PERFORMANCE
) -> dict[str, Any]:
    """The same document as printed by a form without the 指标值类型 and unit columns (and, with ``scoring``,
    without 评（扣）分标准) in the performance ``tables``: every indicator's comparator and unit move into its
    value ("≥" "85" "%" → "≥85%"; a comparator-typed text keeps its comparator, "≤全年"); a qualitative value
    stays as it is. Returns a new document; the given one is not changed."""
    from .rules.values import reading_of, text_of

    out = copy.deepcopy(document)
    for tid in tables:
        table = out.get("tables", {}).get(tid)
        if not isinstance(table, dict):
            continue
        if tid == "department_performance":
            rows = table.get("indicators", [])
        else:
            projects = [project for unit in table.get("units", []) for project in unit.get("projects", [])]
            rows = [row for project in projects for row in project.get("indicators", [])]
        for row in rows:
            kind, unit = row.pop("value_type", None), row.pop("unit", None)
            if scoring:
                row.pop("scoring", None)
            text = text_of(row.get("value"))
            if text is None:
                continue
            reading = reading_of(text)
            written = reading is not None and reading.comparator is not None
            comparator = "" if written else _COMPARATOR.get(text_of(kind) or "", "")
            suffix = "" if reading is None or reading.unit or text_of(unit) in _NO_UNIT else text_of(unit)
            row["value"] = f"{comparator}{text}{suffix}"
    return out


def without_total_rows(document: dict[str, Any], tables: Sequence[str] | None = None) -> dict[str, Any]:
    """The same document as printed without 合计 rows (in ``tables``, or in every table that has one)."""
    out = copy.deepcopy(document)
    for tid, table in out.get("tables", {}).items():
        if isinstance(table, dict) and (tables is None or tid in tables):
            table.pop("total_row", None)
    return out
