"""The narrative (the key figures as the text states them, and their changes against last year) and the
document's metadata."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .codes import FISCAL_GB
from .core import FEN_PER, Chooser, Fmt, pct
from .plan import SOURCES, Plan, amount_of


def narrative(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """The figures the text states: income, expenditure, the general budget, 三公, procurement …"""
    fmt, step = plan.fmt, plan.step
    total_all = plan.total_all
    written = ch.bool(0.2)
    prev_income = total_all + ((ch.integer(-50, 50) * total_all) // 1000 // step) * step
    change = {"amount": fmt.num(total_all - prev_income), "percent": pct(total_all - prev_income, prev_income)}
    exp_rows, _ = plan.by_nature_table(SOURCES)
    out: dict[str, Any] = {
        "amounts": {"unit": fmt.unit, "precision": "as_written" if written else fmt.precision},
        "income": {
            "total": fmt.num(total_all),
            "general_budget_appropriation": fmt.num(plan.gb_app),
            "government_fund_appropriation": fmt.num(plan.gf_app),
            "change": dict(change),
        },
        "expenditure": {
            "total": fmt.num(total_all),
            "by_function": [
                {"code": r["code"], "name": r["name"], "amount": r["total"]} for r in exp_rows if len(r["code"]) == 3
            ],
            "change": dict(change),
        },
        "general_budget_expenditure": _general_budget(plan),
        "government_fund_expenditure": {"total": fmt.num(plan.gf_app)},
        "operating_expenses": fmt.num(plan.basic.public) if plan.admin else fmt.num(0),
        "three_public": _three_public(plan),
        **_meetings(plan, ch),
    }
    if plan.sc_app:
        out["income"]["state_capital_appropriation"] = fmt.num(plan.sc_app)
    out["procurement"] = _procurement(plan, ch)
    prev_tp = _three_public_change(plan, ch, out, prev_income)
    out["vehicles"] = _vehicles(plan, ch)
    big = ch.integer(0, 3)
    out["equipment"] = {
        "held": {"over_500k": big, "over_1m": ch.integer(0, big)},
        "planned": {"over_500k": 0, "over_1m": 0},
    }
    _performance(plan, ch, out)
    # Last year's figures, each the rounding of its own true figure (drawn last: earlier choices stay put).
    if ch.bool(0.5):
        for key, prior in (("income", prev_income), ("expenditure", prev_income), ("three_public", prev_tp)):
            if "change" in out[key]:
                out[key]["change"]["prior"] = fmt.num(prior)
    narrative_changes(ch, out, fmt, plan.year, step)
    return _stated_for(out, plan.tables)


# The table a part of the narrative restates (its figures come from it): a form without that table
# (a stand-alone 三公 publication) has a text without that part.
NARRATIVE_TABLE = {
    "income": "income",
    "expenditure": "expenditure",
    "general_budget_expenditure": "general_budget_expenditure",
    "government_fund_expenditure": "government_fund_expenditure",
    "operating_expenses": "basic_expenditure",
    "meeting_expenses": "basic_expenditure",
    "training_expenses": "basic_expenditure",
    "three_public": "three_public_expenses",
    "vehicles": "three_public_expenses",
    "procurement": "summary",
    "equipment": "summary",
    "performance": "department_performance",
}


def _stated_for(out: dict[str, Any], tables: tuple[str, ...]) -> dict[str, Any]:
    """The narrative without the parts (and their changes) whose table the form does not print."""
    gone = {key for key, table in NARRATIVE_TABLE.items() if table not in tables}
    return {k: v for k, v in out.items() if k not in gone and k.removesuffix("_change") not in gone}


def _general_budget(plan: Plan) -> dict[str, Any]:
    fmt, gb_spend = plan.fmt, plan.gb_spend
    gb_rows, _ = plan.by_nature_table(FISCAL_GB)

    def share(code: str) -> Decimal:
        return pct(sum(amount_of(v, FISCAL_GB) for (c, *_), v in plan.leaves.items() if c.startswith(code)), gb_spend)

    return {
        "total": fmt.num(gb_spend),
        "basic": fmt.num(plan.gb_basic),
        "project": fmt.num(plan.gb_project),
        "by_function": [
            {"code": r["code"], "name": r["name"], "amount": r["total"], "share_percent": share(r["code"])}
            for r in gb_rows
            if len(r["code"]) == 3
        ],
    }


def _three_public(plan: Plan) -> dict[str, Any]:
    fmt, three = plan.fmt, plan.three_public.total
    return {
        "total": fmt.num(plan.three_public.subtotal),
        "reception": fmt.num(three["reception"]),
        "overseas_travel": fmt.num(three["overseas_travel"]),
        "vehicles": fmt.num(three["vehicle_purchase"] + three["vehicle_operation"]),
        "vehicle_purchase": fmt.num(three["vehicle_purchase"]),
        "vehicle_operation": fmt.num(three["vehicle_operation"]),
    }


def _meetings(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """会议费 and 培训费: the basic parts and a project part in whole printed steps."""
    fmt, pstep = plan.fmt, plan.fmt.step_fen
    meeting = fmt.num(plan.basic.meeting + (ch.integer(0, 5000) // pstep) * pstep)
    training = fmt.num(plan.basic.training + (ch.integer(0, 5000) // pstep) * pstep)
    return {"meeting_expenses": meeting, "training_expenses": training}


def _procurement(plan: Plan, ch: Chooser) -> dict[str, Any]:
    fmt, step, pstep = plan.fmt, plan.step, plan.fmt.step_fen
    goods, works, services = (fen if fen >= pstep else 0 for fen in [plan.money(ch, 0, 200_000) for _ in range(3)])
    proc = {
        "total": fmt.num(goods + works + services),
        "goods": fmt.num(goods),
        "works": fmt.num(works),
        "services": fmt.num(services),
    }
    if ch.bool(0.5):
        proc["sme_reserved"] = fmt.num(((goods + works + services) * ch.integer(0, 100) // 100 // step) * step)
    return proc


def _three_public_change(plan: Plan, ch: Chooser, out: dict[str, Any], prev_income: int) -> int:
    """Sometimes the text states the change of 三公 against last year; last year's 三公 in fen (0: none)."""
    fmt, pstep, tp_subtotal = plan.fmt, plan.fmt.step_fen, plan.three_public.subtotal
    if not (prev_income > 0 and tp_subtotal and ch.bool(0.5)):
        return 0
    prev_tp = tp_subtotal + (ch.integer(0, tp_subtotal) // pstep) * pstep
    out["three_public"]["change"] = {
        "amount": fmt.num(tp_subtotal - prev_tp),
        "percent": pct(tp_subtotal - prev_tp, prev_tp),
    }
    return prev_tp


def _vehicles(plan: Plan, ch: Chooser) -> dict[str, Any]:
    """Vehicles held (at least one when they cost something to run) and planned (when bought)."""
    three = plan.three_public.total
    kinds = ["confidential", "emergency", "law_enforcement", "special_technical", "other"]
    held = {k: ch.integer(0, 2) for k in kinds}
    if three["vehicle_operation"] and not sum(held.values()):
        held["other"] = 1
    planned = {k: 0 for k in kinds}
    if three["vehicle_purchase"]:
        planned["other"] = ch.integer(1, 2)
    return {"held": {"total": sum(held.values()), **held}, "planned": {"total": sum(planned.values()), **planned}}


def _performance(plan: Plan, ch: Chooser, out: dict[str, Any]) -> None:
    """The performance figures (with a department table) and, sometimes, the general-budget projects
    the text lists, which add up to its project expenditure (with a project table)."""
    fmt = plan.fmt
    if "department_performance" in plan.tables:
        out["performance"] = {
            "total": fmt.num(plan.total_all),
            "basic": fmt.num(plan.basic_all),
            "project": fmt.num(plan.project_all),
        }
    if "project_performance" in plan.tables and ch.bool(0.5):
        out["general_budget_expenditure"]["projects"] = [
            {"name": p.name, "amount": fmt.num(p.fen)} for p in plan.projects if p.source in FISCAL_GB
        ]


def narrative_changes(ch: Chooser, narrative: dict[str, Any], fmt: Fmt, fiscal_year: int, step: int) -> None:
    """Changes against last year beside the figures the text states (drawn last: earlier choices stay put).

    Each printed current figure is taken as exact; last year's figure is drawn in fen (zero for something
    new, which then gets no rate), and the change, its rate and last year's figure are each rounded once;
    in an exact document last year's figure is a whole number of printed steps, so nothing is rounded.
    Changes already stated get their direction word and the year compared with.
    """
    for key in ("income", "expenditure", "three_public"):
        stated = narrative[key].get("change")
        if isinstance(stated, dict):
            amount = stated.get("amount", 0)
            stated["direction"] = _word(ch, (amount > 0) - (amount < 0))
            if ch.bool(0.5):
                stated["base_year"] = fiscal_year - 1
    tp = narrative["three_public"]
    items = tp.setdefault("item_changes", {})
    for holder, current_key, into, change_key in _change_subjects(narrative, items):
        current = _fen(fmt, holder.get(current_key))
        if current is not None and ch.bool(0.3):
            into[change_key] = _stated_change(ch, fmt, current, fiscal_year, step)
    if not items:
        del tp["item_changes"]


def _word(ch: Chooser, sign: int) -> str:
    return ch.choice({1: ("增加", "增长", "上升"), -1: ("减少", "下降", "降低"), 0: ("持平",)}[sign])


def _fen(fmt: Fmt, value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return int(Decimal(value) * FEN_PER[fmt.unit])


def _change_subjects(
    narrative: dict[str, Any], items: dict[str, Any]
) -> list[tuple[dict[str, Any], str, dict[str, Any], str]]:
    """Each figure a change may be stated for: (where it is, its key, where the change goes, its key)."""
    gbe, tp = narrative["general_budget_expenditure"], narrative["three_public"]
    subjects: list[tuple[dict[str, Any], str, dict[str, Any], str]] = [
        (row, "amount", row, "change") for row in narrative["expenditure"]["by_function"] + gbe["by_function"]
    ]
    subjects += [(gbe, "total", gbe, "change"), (gbe, "basic", gbe, "basic_change")]
    subjects += [(gbe, "project", gbe, "project_change")]
    gfe = narrative["government_fund_expenditure"]
    subjects += [(gfe, "total", gfe, "change")]
    subjects += [
        (tp, k, items, k) for k in ("reception", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation")
    ]
    subjects += [
        (narrative, k, narrative, k + "_change")
        for k in ("operating_expenses", "meeting_expenses", "training_expenses")
    ]
    return subjects


def _stated_change(ch: Chooser, fmt: Fmt, current: int, fiscal_year: int, step: int) -> dict[str, Any]:
    """A change against last year for a figure of ``current`` fen: last year's figure drawn, the change,
    its rate, last year's figure, its direction and the year, each sometimes stated."""
    # In fen, a whole number of printed steps when the document is built exact (step > 1).
    half = (current // 2 + 100) // step
    prior = 0 if ch.bool(0.1) else max(0, current + ch.integer(-half, half) * step)
    change = current - prior
    stated: dict[str, Any] = {"amount": fmt.num(change)}
    if prior and ch.bool(0.7):
        stated["percent"] = (Decimal(change) * 100 / Decimal(prior)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if ch.bool(0.5) and (prior == 0 or fmt.num(prior)):  # a prior that prints as zero would say "none"
        stated["prior"] = fmt.num(prior)
    if ch.bool(0.5):
        stated["direction"] = _word(ch, (change > 0) - (change < 0))
    if ch.bool(0.3):
        stated["base_year"] = fiscal_year - 1
    return stated


def metadata(plan: Plan, ch: Chooser) -> dict[str, Any]:
    return {
        "kind": "department_budget",
        "fiscal_year": plan.year,
        "unit_code": "900001",
        "unit_name": plan.unit_name,
        "institution_type": "行政单位" if plan.admin else "公益一类事业单位",
        "units": plan.units,
        "empty_table_statement": "空表表示本部门无相关收支情况",
    }
