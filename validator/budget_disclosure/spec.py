"""The spec in force: schemas, profiles, rule files and code lists, loaded once into an immutable object.

Where the files are, and the version and digest that identify them, is ``specfiles``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urldefrag, urljoin

from .codelists import CodeList, Framework, YearRange, load_codelist, load_framework
from .errors import SpecError
from .labels import LabelNode, build_label_tree, make_resolver
from .metacheck import check_spec_file
from .pointer import escape
from .rules.model import RuleDef, RuleGroup, rule_from_yaml
from .specfiles import SpecFiles, read_spec_file, spec_root
from .yamlload import load_yaml

if TYPE_CHECKING:  # pragma: no cover
    from .schemacheck import SchemaChecker

__all__ = ["ProfileInfo", "Spec", "TableInfo", "YearRange", "get_spec", "spec_root"]

PROFILES_FILE = "profiles.yaml"

_Named = TypeVar("_Named", CodeList, Framework)


@dataclass(frozen=True)
class TableInfo:
    id: str
    title: str
    titles: tuple[str, ...]
    uri: str


@dataclass(frozen=True)
class ProfileInfo:
    id: str
    title: str
    description: str
    tables: tuple[str, ...]
    uri: str
    meta: Mapping[str, Any]
    rule_groups: tuple[str, ...]
    settings: Mapping[str, Any]
    years: YearRange = field(default_factory=lambda: YearRange(1990, None))
    # By ranges of fiscal years: (years, {classification: list id}) and (years, framework id).
    code_lists: tuple[tuple[YearRange, Mapping[str, str]], ...] = ()
    frameworks: tuple[tuple[YearRange, str], ...] = ()
    # Table id → the title patterns the form prints (alternatives).
    titles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _read_json(path: Path, rel: str) -> Any:
    data = read_spec_file(path, rel)
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise SpecError(f"cannot read JSON: {str(exc).split(':', 1)[0]}", file=rel, line=line) from None


class Spec:
    """Everything the validator knows, read from the spec files. Immutable once built; thread-safe."""

    def __init__(self, root: Path | None = None) -> None:
        located = SpecFiles(root)
        self.root = located.root
        self.version = located.version
        self.files = located.files
        self.digest = located.digest

        # Schemas, keyed by $id.
        self.schemas: dict[str, dict[str, Any]] = {}
        self.schema_files: dict[str, str] = {}
        for rel, path in self.files.items():
            if rel.startswith("schemas/") and rel.endswith(".json"):
                schema = _read_json(path, rel)
                sid = schema.get("$id")
                if not isinstance(sid, str):
                    raise SpecError("schema has no $id", file=rel)
                self.schemas[sid] = schema
                self.schema_files[sid] = rel
        self.base_uri = self._uri_of("schemas/document.json").rsplit("/", 1)[0] + "/"
        check_refs(self.schemas, self.schema_files, self.base_uri, self.files)
        document = self.schemas[self.document_uri]

        # Tables, in the order document.json lists them.
        self.tables: dict[str, TableInfo] = {}
        for tid, sub in document["properties"]["tables"]["properties"].items():
            uri = self.base_uri + sub["$ref"]
            tschema = self.schemas[uri]
            self.tables[tid] = TableInfo(
                tid, tschema["title"], tuple(tschema.get("x-table", {}).get("titles", ())), uri
            )
        self.table_order = {tid: i for i, tid in enumerate(self.tables)}

        # Rule groups.
        self.groups: dict[str, RuleGroup] = {}
        self.rules: dict[str, RuleDef] = {}
        self._load_rules()

        # Profiles: the table set and years from schemas/profiles/*.json; the rule groups, code lists and
        # frameworks by year and the table titles from rules/profiles.yaml.
        self.profiles: dict[str, ProfileInfo] = {}
        self._x_profile_schema: dict[str, Any] | None = None
        self._load_profiles()

    # ------------------------------------------------------------------ loading
    def _uri_of(self, rel: str) -> str:
        for uri, file in self.schema_files.items():
            if file == rel:
                return uri
        raise SpecError("missing schema file", file=rel)

    @property
    def document_uri(self) -> str:
        return self.base_uri + "document.json"

    def _load_rules(self) -> None:
        # From the checked inventory (specfiles), never from a second listing of the folder.
        for rel, path in sorted(self.files.items()):
            if rel.count("/") != 1 or not rel.endswith(".yaml") or rel == f"rules/{PROFILES_FILE}":
                continue
            raw = load_yaml(path, display=rel)
            check_spec_file(raw, self.base_uri + "rules.schema.json", self.schemas, rel)
            group = raw["group"]
            if group in self.groups:
                raise SpecError(f"group {group!r} is defined twice", file=rel)
            rules = []
            for item in raw["rules"]:
                rule = rule_from_yaml(item, group, rel)
                if rule.id in self.rules:
                    raise SpecError(
                        f"duplicate rule id (first in {self.rules[rule.id].where})",
                        file=rel,
                        line=rule.line,
                        rule=rule.id,
                    )
                self.rules[rule.id] = rule
                rules.append(rule)
            title = raw["title"]
            desc = raw.get("description") or {}
            self.groups[group] = RuleGroup(
                group, title["zh"], title["en"], desc.get("zh", ""), desc.get("en", ""), rel, tuple(rules)
            )

    def _load_profiles(self) -> None:
        rel = f"rules/{PROFILES_FILE}"
        if rel not in self.files:
            raise SpecError("missing", file=rel)
        raw = load_yaml(self.files[rel], display=rel)
        check_spec_file(raw, self.base_uri + "profiles.schema.json", self.schemas, rel)
        settings = raw["profiles"]
        for uri, file in sorted(self.schema_files.items(), key=lambda kv: kv[1]):
            if not file.startswith("schemas/profiles/"):
                continue
            schema = self.schemas[uri]
            meta = schema.get("x-profile", {})
            pid = meta.get("id")
            if file != f"schemas/profiles/{pid}.json":
                raise SpecError(f"x-profile.id {pid!r} does not match the file name", file=file)
            if pid not in settings:
                raise SpecError(f"profile {pid!r} has no entry in {rel}", file=file)
            conf = settings[pid]
            groups = tuple(conf.get("rule_groups", ()))
            for g in groups:
                if g not in self.groups:
                    raise SpecError(
                        f"profile {pid!r} selects unknown rule group {g!r}", file=rel, line=getattr(conf, "line", None)
                    )
            tables = tuple(schema["properties"]["tables"]["required"])
            for t in tables:
                if t not in self.tables:
                    raise SpecError(f"profile requires unknown table {t!r}", file=file)
            years = self._profile_years(schema, meta, file)
            line = getattr(conf, "line", None)
            code_lists = tuple(
                (YearRange.of(e["years"]), {k: v for k, v in e.items() if k != "years"})
                for e in conf.get("code_lists") or ()
            )
            frameworks = tuple(
                (YearRange.of(e["years"]), e["framework"]) for e in conf.get("indicator_frameworks") or ()
            )
            for what, ranges in (
                ("code_lists", [r for r, _ in code_lists]),
                ("indicator_frameworks", [r for r, _ in frameworks]),
            ):
                for i, r in enumerate(ranges):
                    if not r.within(years):
                        raise SpecError(
                            f"profile {pid!r}: {what} covers {r.text_en}, outside the profile's years {years.text_en}",
                            file=rel,
                            line=line,
                        )
                    if any(r.overlaps(o) for o in ranges[:i]):
                        raise SpecError(f"profile {pid!r}: {what} ranges overlap", file=rel, line=line)
            titles: dict[str, tuple[str, ...]] = {}
            for tid, pattern in (conf.get("titles") or {}).items():
                if tid not in self.tables:
                    raise SpecError(f"profile {pid!r} gives a title for unknown table {tid!r}", file=rel, line=line)
                titles[tid] = (pattern,) if isinstance(pattern, str) else tuple(pattern)
            self.profiles[pid] = ProfileInfo(
                pid,
                schema["title"],
                schema.get("description", ""),
                tables,
                uri,
                meta,
                groups,
                {k: v for k, v in conf.items() if k != "rule_groups"},
                years,
                code_lists,
                frameworks,
                titles,
            )
        for pid in settings:
            if pid not in self.profiles:
                raise SpecError(f"profile {pid!r} has no schema schemas/profiles/{pid}.json", file=rel)

    def _profile_years(self, schema: Mapping[str, Any], meta: Any, file: str) -> YearRange:
        """The years of x-profile, checked against profiles.schema.json#/$defs/xProfile; the schema's
        fiscal_year minimum and maximum must state the same range (a validator that knows nothing of
        x-profile then enforces it)."""
        if self._x_profile_schema is None:
            defs = self.schemas[self.base_uri + "profiles.schema.json"]["$defs"]
            self._x_profile_schema = {"$defs": defs, "$ref": "#/$defs/xProfile"}
        check_spec_file(
            meta,
            "profiles.schema.json#/$defs/xProfile",
            {"profiles.schema.json#/$defs/xProfile": self._x_profile_schema},
            file,
        )
        years = YearRange.of(meta["years"])
        if years.last is not None and years.last < years.first:
            raise SpecError(f"x-profile.years ends ({years.last}) before it begins ({years.first})", file=file)
        fy = schema.get("properties", {}).get("metadata", {}).get("properties", {}).get("fiscal_year", {})
        if fy.get("minimum") != years.first or fy.get("maximum") != years.last:
            raise SpecError(
                f"fiscal_year minimum/maximum ({fy.get('minimum')}, {fy.get('maximum')}) disagree with "
                f"x-profile.years ({years.first}, {years.last})",
                file=file,
            )
        return years

    # ------------------------------------------------------------------ derived, built on first use
    @cached_property
    def labels(self) -> LabelNode:
        return build_label_tree(self.document_uri, make_resolver(self.schemas))

    @cached_property
    def schema_checker(self) -> SchemaChecker:
        from .schemacheck import SchemaChecker

        return SchemaChecker(self)

    @cached_property
    def codelists(self) -> dict[str, CodeList]:
        return self._named_files("rules/codelists/", load_codelist, "code list")

    @cached_property
    def frameworks(self) -> dict[str, Framework]:
        return self._named_files("rules/frameworks/", load_framework, "framework")

    def _named_files(self, folder: str, load: Callable[[Path, str, Any, str], _Named], what: str) -> dict[str, _Named]:
        """Every YAML file of a folder, loaded and checked; each is named by its id (``{folder}{id}.yaml``)."""
        out: dict[str, _Named] = {}
        for rel, path in self.files.items():
            if rel.startswith(folder) and rel.endswith(".yaml"):
                item = load(path, rel, self.schemas, self.base_uri)
                if f"{folder}{item.id}.yaml" != rel:
                    raise SpecError(f"{what} id {item.id!r} does not match the file name", file=rel)
                out[item.id] = item
        return out

    def codelist_for(self, profile: str, classification: str, year: object) -> CodeList | None:
        """The code list of ``classification`` the profile uses in fiscal ``year``; None when the year is
        outside the profile's years or no list covers it."""
        info = self.profiles[profile]
        if year not in info.years:
            return None
        for years, lists in info.code_lists:
            if year in years:
                cid = lists.get(classification)
                return self.codelists[cid] if cid else None
        return None

    def framework_for(self, profile: str, year: object) -> Framework | None:
        """The indicator framework the profile uses in fiscal ``year`` (None: outside its years or none)."""
        info = self.profiles[profile]
        if year not in info.years:
            return None
        for years, fid in info.frameworks:
            if year in years:
                return self.frameworks[fid]
        return None

    def check_profile_data(self) -> None:
        """Every code list and framework a profile names exists, is of its classification, and is valid
        for the years it is named for (called once by the rule engine)."""
        for pid, profile in self.profiles.items():
            for years, lists in profile.code_lists:
                for classification, cid in lists.items():
                    if cid not in self.codelists:
                        raise SpecError(
                            f"profile {pid!r} names code list {cid!r}, which rules/codelists/ lacks",
                            file="rules/profiles.yaml",
                        )
                    codelist = self.codelists[cid]
                    if codelist.classification != classification:
                        raise SpecError(
                            f"profile {pid!r} names {cid!r} as its {classification} list, "
                            f"but it is a {codelist.classification} list",
                            file="rules/profiles.yaml",
                        )
                    if not years.within(codelist.years):
                        raise SpecError(
                            f"profile {pid!r} uses code list {cid!r} for {years.text_en}, "
                            f"but the list is valid for {codelist.years.text_en}",
                            file="rules/profiles.yaml",
                        )
            for _, fid in profile.frameworks:
                if fid not in self.frameworks:
                    raise SpecError(
                        f"profile {pid!r} names framework {fid!r}, which rules/frameworks/ lacks",
                        file="rules/profiles.yaml",
                    )

    def rule(self, rule_id: str) -> RuleDef:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise SpecError(f"the engine refers to rule {rule_id!r}, which no rule file defines") from None

    def location(self, document: Any, pointer: str) -> str:
        from .labels import location

        return location(self.labels, document, pointer)


_DATA_KEYWORDS = frozenset({"const", "enum", "examples", "default"})  # their values are data, not schemas


def check_refs(
    schemas: Mapping[str, Any], schema_files: Mapping[str, str], base_uri: str, files: Mapping[str, Path]
) -> None:
    """Every ``$id`` lies under the spec's base and every ``$ref`` resolves to a schema of the folder.

    A vendored schema could otherwise point a validator at a URL, a ``file:`` path or a ``../`` escape;
    refused here, before any schema is compiled, so no backend ever tries to fetch or open one.
    """
    resolve = make_resolver(schemas)
    resolved: set[str] = set()

    def refuse(message: str, rel: str, schema: Any, bad: Any, key: str) -> SpecError:
        from .locate import positions  # only when there is an error to place

        text = read_spec_file(files[rel], rel).decode("utf-8")
        ptr = _pointer_of(schema, bad)
        wanted = None if ptr is None else f"{ptr}/{escape(key)}"
        place = None if wanted is None else positions(text, [wanted]).get(wanted)
        return SpecError(message, file=rel, line=None if place is None else place[0])

    for sid, schema in schemas.items():  # every $id first: a $ref to a moved schema would hide the cause
        if not sid.startswith(base_uri):
            raise refuse(
                f"$id {sid[:200]!r} lies outside the spec's base {base_uri}", schema_files[sid], schema, schema, "$id"
            )
    for sid, schema in schemas.items():
        rel = schema_files[sid]
        stack: list[tuple[Any, str]] = [(schema, sid)]
        while stack:
            node, base = stack.pop()
            if isinstance(node, list):
                stack.extend((v, base) for v in node)
                continue
            if not isinstance(node, dict):
                continue
            if isinstance(node.get("$id"), str):
                base = urljoin(base, node["$id"])
                if not base.startswith(base_uri):
                    raise refuse(
                        f"$id {node['$id'][:200]!r} lies outside the spec's base {base_uri}", rel, schema, node, "$id"
                    )
            for key in ("$ref", "$dynamicRef"):
                ref = node.get(key)
                if not isinstance(ref, str):
                    continue
                target = urljoin(base, ref)
                if target in resolved:
                    continue
                if urldefrag(target)[0] not in schemas or not target.startswith(base_uri):
                    raise refuse(f"{key} {ref[:200]!r} points outside the spec folder", rel, schema, node, key)
                try:
                    resolve(target)
                except (KeyError, IndexError, ValueError, TypeError):
                    raise refuse(f"{key} {ref[:200]!r} does not resolve", rel, schema, node, key) from None
                resolved.add(target)
            stack.extend((v, base) for k, v in node.items() if k not in _DATA_KEYWORDS)


def _pointer_of(node: Any, target: Any, ptr: str = "") -> str | None:
    """The JSON Pointer of ``target`` (by identity) inside ``node``; only used to place an error."""
    if node is target:
        return ptr
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found = _pointer_of(child, target, f"{ptr}/{escape(key)}")
        if found is not None:
            return found
    return None


_LOCK = threading.Lock()
_SPECS: dict[Path, Spec] = {}


def get_spec(root: Path | None = None) -> Spec:
    """The spec at ``root`` (default: the one in force), loaded once per process."""
    key = (root or spec_root()).resolve()
    with _LOCK:
        spec = _SPECS.get(key)
        if spec is None:
            spec = _SPECS[key] = Spec(key)
        return spec
