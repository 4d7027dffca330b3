"""The plan of a generated document: every structural choice and every exact amount, drawn first, that
the table builders then print. Builders read the plan; none reads another builder's table.

The draws happen in one fixed order, the order in which earlier versions of the builder made them, so a
seed (or a Hypothesis example) builds the same document as before. A table's own presentation choices
that come before money other tables read (the fiscal summary's blank rows, the empty government-fund
table's statement) are therefore drawn here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from .codes import (
    BLANK_CLASSES,
    FAMILY_ITEMS,
    FISCAL_GB,
    GB_LEAVES,
    GF_LEAF,
    PERSONNEL_ITEMS,
    PROJECT_NAMES,
    PUBLIC_ITEMS,
    SANGONG_ITEMS,
    SC_LEAF,
    UNIT_NAMES,
)
from .core import Chooser, Fmt, split
from .indicators import project_indicators
from .profiles import PROFILES, ProfileForm, profile_form

UNITS = (("万元", 2), ("元", 2), ("元", 0))

# The sources of money: the general budget (this year's), 事业收入, the general budget carried over,
# the government fund budget and the state capital budget.
SOURCES = ("gb", "service", "carry", "gf", "sc")

Leaf = tuple[str, str, str | None, str]  # (code, name, 款 name, 类 name)
LeafMoney = dict[str, list[int]]  # source → [basic, project] in fen
Row = tuple[str, str | None, dict[str, int]]  # (code, name, column → fen) of a classification tree
Money = Callable[[int, int], int]

__all__ = ["PROFILES", "UNITS", "Features", "Plan", "Size", "draw_table_units", "make_plan"]


@dataclass(frozen=True)
class Size:
    """A document's size, for documents larger than the default: how many 项 of the function
    classification carry general-budget money, how many projects the performance table lists and how
    many indicator rows each project has (at least). Codes and names come from the spec's code lists,
    and the basic expenditure table then lists every item of 301, 302 and 303."""

    leaves: int
    projects: int
    indicators: int


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
    project_table: bool | None = None  # a 一般公共预算项目支出表 beside the project performance table
    size: Size | None = None  # None: a small document (2-5 function leaves, one project per leaf)
    forms: bool | None = None  # optional columns and forms: 人员经费/公用经费, 机关运行经费, aggregate 三公 …
    # The performance forms print no 指标值类型, unit or 评（扣）分标准 column (inline_indicator_columns).
    inline_indicators: bool = False
    year: int | None = None  # the fiscal year; None: drawn within the profile's years
    # Tables printed in the other unit than the document's (元 among 万元 tables or 万元 among 元 tables),
    # each drawn; off by default, so that a seed builds the same document as before (``registry.build``).
    mixed_units: bool = False


@dataclass(frozen=True)
class BasicPlan:
    """The general budget's basic money by economic item (the basic expenditure table)."""

    items: dict[str, int]  # economic item code → fen
    names: dict[str, str]
    col_precision: dict[str, int]  # columns printed at another precision than the document's
    reception: int  # the 三公 items' basic parts, and 会议费/培训费
    operation: int
    overseas: int
    purchase: int
    meeting: int
    training: int
    personnel: int  # 301 + 303
    public: int


@dataclass(frozen=True)
class ThreePublicPlan:
    """三公 expenditure: the basic parts plus project parts; ``share`` is the second unit's part."""

    total: dict[str, int]  # reception, overseas_travel, vehicle_purchase, vehicle_operation
    share: dict[str, int] | None

    @property
    def subtotal(self) -> int:
        return sum(self.total.values())


@dataclass(frozen=True)
class Project:
    name: str
    fen: int
    source: str
    indicators: list[dict[str, Any]]


@dataclass(frozen=True)
class Plan:
    form: ProfileForm  # the profile's table set, years, titles, framework and columns
    features: Features
    year: int
    fmt: Fmt
    exact: bool
    layout: str
    admin: bool
    two_units: bool
    purchase: bool
    size: Size | None
    leaves: dict[Leaf, LeafMoney]
    service: int
    carry: int
    has_gf: bool
    has_sc: bool
    unit_name: str
    noted: bool
    fiscal_blank_classes: list[tuple[str, str]]
    fiscal_carry_line: bool  # the fiscal summary prints the general budget's carry-over on its own line
    basic: BasicPlan
    three_public: ThreePublicPlan
    gf_statement: str | None  # the empty government-fund table's statement
    projects: list[Project] = field(default_factory=list)  # the project table's, when the profile has one
    # The tables printed in another unit or precision than the document's (Features.mixed_units).
    table_fmt: dict[str, Fmt] = field(default_factory=dict)

    def fmt_of(self, table: str) -> Fmt:
        """The unit and precision a table is printed in."""
        return self.table_fmt.get(table, self.fmt)

    def for_table(self, table: str) -> Plan:
        """The plan as a table's builder sees it: the table's own format. An exact document stays exact in
        a table printed finer than the document (元 among 万元 tables: every amount is a whole number of
        the table's steps too); a table printed coarser rounds the amounts afresh, so its own splits are
        drawn in fen and printed rounded, like those of any rounded document."""
        fmt = self.table_fmt.get(table)
        if fmt is None:
            return self
        exact = self.exact and self.fmt.step_fen % fmt.step_fen == 0
        return replace(self, fmt=fmt, exact=exact, basic=replace(self.basic, col_precision={}))

    # ---------------------------------------------------------------- figures
    @property
    def profile(self) -> str:
        return self.form.id

    @property
    def tables(self) -> tuple[str, ...]:
        return self.form.tables

    @property
    def sub_name(self) -> str:
        return self.unit_name.replace("中心", "分中心").replace("局", "局直属站")

    @property
    def step(self) -> int:
        """The fen step exact amounts are multiples of (1 when amounts are not exact)."""
        return self.fmt.step_fen if self.exact else 1

    def money(self, ch: Chooser, lo_yuan: int, hi_yuan: int) -> int:
        return draw_money(ch, lo_yuan, hi_yuan, self.exact, self.step)

    def total_of(self, sources: Sequence[str], which: int | None = None) -> int:
        return sum(amount_of(v, sources, which) for v in self.leaves.values())

    @property
    def gb_app(self) -> int:
        return sum(v.get("gb", [0, 0])[0] + v.get("gb", [0, 0])[1] for v in self.leaves.values())

    @property
    def gf_app(self) -> int:
        return self.total_of(("gf",))

    @property
    def sc_app(self) -> int:
        return self.total_of(("sc",))

    @property
    def basic_all(self) -> int:
        return self.total_of(SOURCES, 0)

    @property
    def project_all(self) -> int:
        return self.total_of(SOURCES, 1)

    @property
    def total_all(self) -> int:
        return self.basic_all + self.project_all

    @property
    def gb_basic(self) -> int:
        return sum(v.get("gb", [0, 0])[0] for v in self.leaves.values())

    @property
    def gb_project(self) -> int:
        return self.total_of(FISCAL_GB, 1)

    @property
    def gb_spend(self) -> int:
        """General-budget money spent this year: this year's appropriation and the carry-over."""
        return self.gb_app + self.carry

    @property
    def units(self) -> list[dict[str, Any]]:
        units = [{"code": "900001", "name": self.unit_name, "level": "本级"}]
        if self.two_units:
            units.append({"code": "900002", "name": self.sub_name, "level": "下属单位"})
        return units

    # ---------------------------------------------------------------- printing helpers
    def head(self, title: str) -> dict[str, Any]:
        """A table's title (the registry replaces it by the profile's), unit name and note."""
        out: dict[str, Any] = {"title": f"{self.year}年{title}", "unit_name": self.unit_name}
        if self.noted:
            out["note"] = f"本表反映部门本年度{title.removesuffix('表')}情况。"
        return out

    def table(self, title: str, body: dict[str, Any], total: Any) -> dict[str, Any]:
        """A table with its heading, its body and its 合计 row."""
        return {**self.head(title), **body, "total_row": total}

    def tree(
        self, sources: Sequence[str], cols: Callable[[LeafMoney], dict[str, int]]
    ) -> tuple[list[Row], dict[str, int]]:
        """The 类/款/项 rows of the function classification for a selection of sources, and their total."""
        sums: dict[str, dict[str, int]] = {}
        names: dict[str, str | None] = {}
        for (code, name, kuan, lei), v in self.leaves.items():
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
        self, rows: list[Row], total: dict[str, int], columns: Sequence[str], col_fmt: dict[str, int] | None = None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        col_fmt = col_fmt or {}
        show = self.fmt.show
        out = [{"code": k, "name": n, **{c: show(v.get(c, 0), col_fmt.get(c)) for c in columns}} for k, n, v in rows]
        return out, {c: show(total.get(c, 0), col_fmt.get(c)) for c in columns}

    def by_nature_table(self, sources: Sequence[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The rows and total of a table by function class with 合计/基本支出/项目支出 columns."""
        rows, t = self.tree(sources, by_nature)
        return self.printed(rows, t, ["total", "basic", "project"])


def amount_of(v: LeafMoney, sources: Sequence[str], which: int | None = None) -> int:
    return sum((x[0] + x[1]) if which is None else x[which] for s, x in v.items() if s in sources)


def by_nature(v: LeafMoney) -> dict[str, int]:
    b = sum(x[0] for x in v.values())
    p = sum(x[1] for x in v.values())
    return {"total": b + p, "basic": b, "project": p}


# ------------------------------------------------------------------------------------------ drawing
def draw_money(ch: Chooser, lo_yuan: int, hi_yuan: int, exact: bool, step: int) -> int:
    """An exact amount in fen between two amounts in 元; a multiple of ``step`` when amounts are exact."""
    fen = ch.integer(lo_yuan, hi_yuan) * 100 + (0 if exact else ch.integer(0, 99))
    return (fen // step) * step if exact else fen


def _flag(ch: Chooser, given: bool | None, p: float = 0.5) -> bool:
    """A Features switch: as given, or drawn with probability ``p``."""
    return ch.bool(p) if given is None else given


def make_plan(ch: Chooser, f: Features) -> Plan:
    """Draw a document's plan."""
    form = profile_form(f.profile or ch.choice(PROFILES))
    unit, precision = f.unit or ch.choice(UNITS)
    fmt = Fmt(unit, precision)
    exact = _flag(ch, f.exact, 0.3)
    layout = f.layout or ch.choice(("nature", "function"))
    carryover = _flag(ch, f.carryover)
    has_gf = _flag(ch, f.government_fund)
    has_sc = form.state_capital and _flag(ch, f.state_capital)
    admin = _flag(ch, f.admin)
    two_units = _flag(ch, f.two_units, 0.3)
    step = fmt.step_fen if exact else 1

    def money(lo_yuan: int, hi_yuan: int) -> int:
        return draw_money(ch, lo_yuan, hi_yuan, exact, step)

    leaves, service, carry = _draw_leaves(ch, money, f.size, carryover)
    if has_gf:
        leaves[GF_LEAF] = {"gf": [0, money(100_000, 3_000_000)]}
    if has_sc:
        leaves[SC_LEAF] = {"sc": [0, money(100_000, 3_000_000)]}
    unit_name = ch.choice(UNIT_NAMES)
    noted = ch.bool(0.5)
    blank_classes = ch.subset(BLANK_CLASSES, 0, 2) if "fiscal_summary" in form.tables else []
    carry_line = bool(carry) and "fiscal_summary" in form.tables and ch.bool()
    purchase = _flag(ch, f.purchase)
    gb_basic = sum(v.get("gb", [0, 0])[0] for v in leaves.values())
    basic = _draw_basic(ch, money, fmt, exact, step, f.size, gb_basic, purchase)
    gb_project = sum(amount_of(v, FISCAL_GB, 1) for v in leaves.values())
    three = _draw_three_public(ch, fmt, step, basic, gb_project, purchase, two_units)
    gf_empty = "government_fund_expenditure" in form.tables and not has_gf
    gf_statement = ch.choice([None, "本部门无政府性基金预算收支"]) if gf_empty else None
    plan = Plan(
        form=form,
        features=f,
        year=f.year or form.draw_year(ch),
        fmt=fmt,
        exact=exact,
        layout=layout,
        admin=admin,
        two_units=two_units,
        purchase=purchase,
        size=f.size,
        leaves=leaves,
        service=service,
        carry=carry,
        has_gf=has_gf,
        has_sc=has_sc,
        unit_name=unit_name,
        noted=noted,
        fiscal_blank_classes=blank_classes,
        fiscal_carry_line=carry_line,
        basic=basic,
        three_public=three,
        gf_statement=gf_statement,
    )
    if {"project_performance", "general_budget_project_expenditure"} & set(form.tables):
        plan = replace(plan, projects=_draw_projects(ch, plan))
    return plan


def draw_table_units(ch: Chooser, plan: Plan, tables: Sequence[str]) -> Plan:
    """Each table of ``tables`` printed, half the time, in the other unit than the document's: in 元 (2 or 0
    decimals) among 万元 tables, in 万元 (2 decimals) among 元 tables. Drawn after the plan."""
    other = [u for u in UNITS if u[0] != plan.fmt.unit]
    chosen: dict[str, Fmt] = {}
    for table in tables:
        if ch.bool(0.5):
            chosen[table] = Fmt(*ch.choice(other))
    return replace(plan, table_fmt=chosen)


def _draw_leaves(
    ch: Chooser, money: Money, size: Size | None, carryover: bool
) -> tuple[dict[Leaf, LeafMoney], int, int]:
    """The function leaves with general-budget money, 事业收入 and the carry-over (all in fen)."""
    pool: Sequence[Leaf] = GB_LEAVES if size is None else _code_pools()[0]
    lo, hi = (2, 5) if size is None else (size.leaves, size.leaves)
    leaves: dict[Leaf, LeafMoney] = {}
    for leaf in ch.subset(pool, lo, hi):
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
    return leaves, service, carry


def _draw_sangong_basic(ch: Chooser, money: Money, step: int, purchase: bool, gb_basic: int) -> list[int]:
    """The basic parts of 公务接待, 公务用车运行, 因公出国, 公务用车购置, 会议费 and 培训费 (in that order),
    none at all when they would be more than a quarter of basic spending."""
    reception = (money(1_000, 60_000) // step) * step if ch.bool(0.8) else 0
    operation = (money(1_000, 80_000) // step) * step if ch.bool(0.7) else 0
    overseas = (money(1_000, 50_000) // step) * step if ch.bool(0.3) else 0
    vpurchase = (money(50_000, 200_000) // step) * step if purchase and ch.bool(0.4) else 0
    meeting = (money(1_000, 30_000) // step) * step if ch.bool(0.6) else 0
    training = (money(1_000, 40_000) // step) * step if ch.bool(0.6) else 0
    parts = [reception, operation, overseas, vpurchase, meeting, training]
    return [0] * len(parts) if sum(parts) * 4 > gb_basic else parts


def _spread(
    ch: Chooser, items: dict[str, int], pool: list[tuple[str, str]], span: tuple[int, int], total: int, step: int
) -> None:
    """Spread ``total`` over a subset of ``pool``'s items (added to ``items``)."""
    chosen = ch.subset(pool, *span)
    for (code, _), amt in zip(chosen, split(ch, total, len(chosen), step), strict=True):
        items[code] = items.get(code, 0) + amt


def _draw_basic(
    ch: Chooser, money: Money, fmt: Fmt, exact: bool, step: int, size: Size | None, gb_basic: int, purchase: bool
) -> BasicPlan:
    """The general budget's basic money by economic item; the 三公 items first."""
    pools = {"301": PERSONNEL_ITEMS, "302": PUBLIC_ITEMS, "303": FAMILY_ITEMS} if size is None else _code_pools()[1]
    sangong = _draw_sangong_basic(ch, money, step, purchase, gb_basic)
    rest = gb_basic - sum(sangong)
    personnel_share = (rest * ch.integer(55, 85)) // 100
    personnel_share = (personnel_share // step) * step
    family_share = (personnel_share * ch.integer(0, 20)) // 100
    family_share = (family_share // step) * step
    items: dict[str, int] = {}
    _spread(ch, items, pools["301"], _span(size, (2, 6), pools["301"]), personnel_share - family_share, step)
    if family_share:
        _spread(ch, items, pools["303"], _span(size, (1, 2), pools["303"]), family_share, step)
    _spread(ch, items, pools["302"], _span(size, (2, 5), pools["302"]), rest - personnel_share, step)
    for code, amt in zip(("30217", "30231", "30212", "31013", "30215", "30216"), sangong, strict=True):
        if amt:
            items[code] = amt
    names = {**dict(pools["301"]), **dict(pools["302"]), **dict(pools["303"]), **SANGONG_ITEMS}
    col_precision: dict[str, int] = {}
    if fmt.unit == "元" and fmt.precision == 2 and not exact and ch.bool(0.3):
        col_precision = {"personnel": 0, "public": 0}  # printed as whole 元 beside totals with fen
    personnel = sum(amt for code, amt in items.items() if code[:3] in ("301", "303"))
    reception, operation, overseas, vpurchase, meeting, training = sangong
    return BasicPlan(
        items=items,
        names=names,
        col_precision=col_precision,
        reception=reception,
        operation=operation,
        overseas=overseas,
        purchase=vpurchase,
        meeting=meeting,
        training=training,
        personnel=personnel,
        public=gb_basic - personnel,
    )


def _draw_three_public(
    ch: Chooser, fmt: Fmt, step: int, basic: BasicPlan, gb_project: int, purchase: bool, two_units: bool
) -> ThreePublicPlan:
    """三公: the basic parts plus project parts, for one or two units."""
    cap = max(1, gb_project // 20)
    # Figures the narrative states again are whole printed steps (or nothing): a zero the text writes
    # ("0万元") is then a true zero, as the rules read it.
    pstep = fmt.step_fen
    reception = basic.reception + (ch.integer(0, cap) // pstep) * pstep
    overseas = basic.overseas + ((ch.integer(0, cap) // pstep) * pstep if ch.bool(0.3) else 0)
    operation = basic.operation + (ch.integer(0, cap) // pstep) * pstep if (basic.operation or ch.bool(0.5)) else 0
    vpurchase = basic.purchase + ((ch.integer(1, cap) // pstep) * pstep if purchase else 0)
    if purchase:  # a purchase that prints as a non-zero figure (the narrative then plans new vehicles)
        vpurchase = max(vpurchase, fmt.step_fen)
    total = {
        "reception": reception,
        "overseas_travel": overseas,
        "vehicle_purchase": vpurchase,
        "vehicle_operation": operation,
    }
    share = None
    if two_units:
        share = {k: ((x * ch.integer(0, 100)) // 100 // step) * step for k, x in total.items()}
    return ThreePublicPlan(total, share)


def _draw_projects(ch: Chooser, plan: Plan) -> list[Project]:
    """One project per project leaf and source (merged down to ``size.projects`` for a sized document);
    the project table lists the projects of every source, as the table's unit amount is all of them."""
    pool = list(PROJECT_NAMES)
    funded: list[tuple[int, str]] = [
        (v[src][1], src) for v in plan.leaves.values() for src in ("gb", "carry", "gf", "sc") if src in v and v[src][1]
    ]
    if plan.size is not None:
        funded = _merge_projects(funded, plan.size.projects)
    named: list[tuple[str, int, str]] = []
    for number, (amt, src) in enumerate(funded, start=1):
        name = pool.pop(ch.integer(0, len(pool) - 1)) if pool else f"专项业务经费{number:03d}"
        named.append((name, amt, src))
    extra = 0 if plan.size is None else plan.size.indicators
    framework = plan.form.framework(plan.year)
    return [Project(name, amt, src, project_indicators(ch, amt, extra, framework)) for name, amt, src in named]


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


@cache
def _code_pools() -> tuple[list[Leaf], dict[str, list[tuple[str, str]]]]:
    """Function leaves (项 with general-budget money, with their 款 and 类 names) and economic items by
    class, from the spec's 2024 code lists (read once; callers only read them)."""
    from ..spec import get_spec

    spec = get_spec()
    fn = spec.codelists["function-2024"].entries
    leaves: list[Leaf] = [
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
