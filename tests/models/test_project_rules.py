"""The rules the dbt project holds to, checked over target/manifest.json (dbt-project-evaluator
cannot be installed here: the package hub is out of reach). Each rule is a function that
returns its violations; the project has none, and a deliberately broken manifest has each."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import run_dbt, sources

Manifest = dict[str, Any]

# Layers in build order: a model may read its own layer or an earlier one. The control layer
# (models/control/) sits beside intermediate: it reads raw, staging and the checked leads, and
# the lead-keyed intermediate models read it. models/quality/ reports on everything before it.
LAYER_RANK = {"staging": 0, "control": 1, "intermediate": 1, "quality": 2, "marts": 2}
GRAIN_TESTS = {"unique", "unique_combination_of_columns", "exactly_one_row"}
MAX_VIEW_CHAIN = 4  # five or more views stacked on each other is a rule break


@cache
def _project_manifest() -> str:
    """The project parsed with every source system read (FUNNEL_SOURCES), so that the rules see
    the systems' src_ models too; every other model is there whatever the systems."""
    from orchestration.ingestion.systems import SYSTEMS

    root = Path(tempfile.mkdtemp(prefix="project_rules_"))
    try:
        with sources(",".join(SYSTEMS)):
            result = run_dbt(root / "unused.duckdb", root, "parse")
        assert result.returncode == 0, result.stdout[-4000:]
        return (root / "target" / "manifest.json").read_text()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def manifest() -> Manifest:
    return json.loads(_project_manifest())


def _models(manifest: Manifest) -> dict[str, dict]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "lead_funnel"
    }


def _layer(node: dict) -> str:
    return node["fqn"][1] if len(node["fqn"]) > 2 else "other"


def _is_base(node: dict) -> bool:
    """A base model: in staging/<source>/base/, named base_<source>__<table>."""
    return node["fqn"][1] == "staging" and len(node["fqn"]) > 3 and node["fqn"][3] == "base"


def _is_conformed_system(node: dict) -> bool:
    """A source system's src_<system>__<table> model (models/staging/<system>/)."""
    return node.get("resource_type") == "model" and node["name"].startswith("src_")


def _parents(node: dict) -> list[str]:
    return node["depends_on"]["nodes"]


def staging_reads_only_sources_seeds_and_its_base(manifest: Manifest) -> list[str]:
    broken = []
    nodes = manifest["nodes"]
    for uid, node in _models(manifest).items():
        if _layer(node) != "staging":
            continue
        for parent in _parents(node):
            kind = parent.split(".")[0]
            if kind in ("source", "seed"):
                continue
            parent_node = nodes.get(parent, {})
            same_source = parent_node.get("fqn", [None, None, None])[2] == node["fqn"][2]
            if kind == "model" and not _is_base(node) and _is_base(parent_node) and same_source:
                continue
            if kind == "model" and _is_base(node) and _is_conformed_system(parent_node):
                continue  # a base model reads each source system's conformed rows
            if kind == "model" and _is_conformed_system(node) and _is_conformed_system(parent_node):
                continue  # identity: a system's rows matched to another system's people
            broken.append(f"{uid} reads {parent}")
    return broken


def base_models_are_declarations(manifest: Manifest) -> list[str]:
    """Every base model is one base_model(...) declaration (macros/staging.sql), so a table or a
    source system is added by declaring it, not by copying the CTE skeleton."""
    return [
        f"{uid} does not render through base_model"
        for uid, node in _models(manifest).items()
        if _is_base(node) and "macro.lead_funnel.base_model" not in node["depends_on"]["macros"]
    ]


def marts_never_read_sources(manifest: Manifest) -> list[str]:
    return [
        f"{uid} reads {parent}"
        for uid, node in _models(manifest).items()
        if _layer(node) == "marts"
        for parent in _parents(node)
        if parent.startswith("source.")
    ]


def every_model_has_a_description_and_a_grain_test(manifest: Manifest) -> list[str]:
    grain: set[str] = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        name = (node.get("test_metadata") or {}).get("name")
        if name in GRAIN_TESTS and node.get("attached_node"):
            grain.add(node["attached_node"])
    broken = []
    for uid, node in _models(manifest).items():
        if not (node.get("description") or "").strip():
            broken.append(f"{uid} has no description")
        keyed = any(c.get("type") == "primary_key" for c in node.get("constraints", [])) or any(
            c.get("type") == "primary_key"
            for column in node.get("columns", {}).values()
            for c in column.get("constraints", [])
        )
        if uid not in grain and not keyed:
            broken.append(f"{uid} has no primary-key or grain test")
    return broken


def public_models_enforce_contracts(manifest: Manifest) -> list[str]:
    return [
        f"{uid} is public without an enforced contract"
        for uid, node in _models(manifest).items()
        if node.get("access") == "public" and not node["config"]["contract"]["enforced"]
    ]


def exposures_read_only_public_models(manifest: Manifest) -> list[str]:
    nodes = manifest["nodes"]
    return [
        f"{uid} reads {parent} ({nodes.get(parent, {}).get('access')})"
        for uid, exposure in manifest["exposures"].items()
        for parent in exposure["depends_on"]["nodes"]
        if nodes.get(parent, {}).get("access") != "public"
    ]


def no_long_chains_of_views(manifest: Manifest) -> list[str]:
    models = _models(manifest)
    views = {uid for uid, node in models.items() if node["config"]["materialized"] == "view"}

    @cache
    def chain(uid: str) -> tuple[str, ...]:
        longest: tuple[str, ...] = ()
        for parent in _parents(models[uid]):
            if parent in views and len(chain(parent)) > len(longest):
                longest = chain(parent)
        return (*longest, uid)

    return [
        f"{len(chain(uid))} views in a chain: {' -> '.join(chain(uid))}"
        for uid in sorted(views)
        if len(chain(uid)) > MAX_VIEW_CHAIN
    ]


def no_model_reads_a_later_layer(manifest: Manifest) -> list[str]:
    models = _models(manifest)
    broken = []
    for uid, node in models.items():
        rank = LAYER_RANK.get(_layer(node))
        if rank is None:
            broken.append(f"{uid} is in no layer ({_layer(node)})")
            continue
        for parent in _parents(node):
            if parent in models and LAYER_RANK.get(_layer(models[parent]), 99) > rank:
                broken.append(f"{uid} ({_layer(node)}) reads {parent} ({_layer(models[parent])})")
    return broken


RULES: list[Callable[[Manifest], list[str]]] = [
    staging_reads_only_sources_seeds_and_its_base,
    base_models_are_declarations,
    marts_never_read_sources,
    every_model_has_a_description_and_a_grain_test,
    public_models_enforce_contracts,
    exposures_read_only_public_models,
    no_long_chains_of_views,
    no_model_reads_a_later_layer,
]


def test_the_rules_see_every_source_systems_models(manifest: Manifest) -> None:
    from orchestration.ingestion.systems import SYSTEMS

    systems = {node["fqn"][2] for node in _models(manifest).values() if _is_conformed_system(node)}
    assert systems == set(SYSTEMS)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_project_keeps_the_rule(manifest: Manifest, rule) -> None:
    assert rule(manifest) == []


def _first(manifest: Manifest, layer: str, materialized: str | None = None) -> str:
    return next(
        uid
        for uid, node in sorted(_models(manifest).items())
        if _layer(node) == layer
        and (materialized is None or node["config"]["materialized"] == materialized)
        and not _is_base(node)
    )


def _break(manifest: Manifest, rule: str) -> Manifest:
    broken = copy.deepcopy(manifest)
    nodes = broken["nodes"]
    source = next(iter(broken["sources"]))
    if rule == "staging_reads_only_sources_seeds_and_its_base":
        nodes[_first(broken, "staging")]["depends_on"]["nodes"].append(_first(broken, "marts"))
    elif rule == "base_models_are_declarations":
        base = next(uid for uid, node in sorted(_models(broken).items()) if _is_base(node))
        nodes[base]["depends_on"]["macros"].remove("macro.lead_funnel.base_model")
    elif rule == "marts_never_read_sources":
        nodes[_first(broken, "marts")]["depends_on"]["nodes"].append(source)
    elif rule == "every_model_has_a_description_and_a_grain_test":
        nodes[_first(broken, "marts")]["description"] = ""
    elif rule == "public_models_enforce_contracts":
        public = next(uid for uid, n in _models(broken).items() if n.get("access") == "public")
        nodes[public]["config"]["contract"]["enforced"] = False
    elif rule == "exposures_read_only_public_models":
        exposure = next(iter(broken["exposures"].values()))
        exposure["depends_on"]["nodes"].append(_first(broken, "intermediate"))
    elif rule == "no_long_chains_of_views":
        models = sorted(_models(broken))[: MAX_VIEW_CHAIN + 1]
        for child, parent in zip(models[1:], models, strict=False):
            nodes[child]["depends_on"]["nodes"].append(parent)
        for uid in models:
            nodes[uid]["config"]["materialized"] = "view"
    elif rule == "no_model_reads_a_later_layer":
        nodes[_first(broken, "intermediate")]["depends_on"]["nodes"].append(_first(broken, "marts"))
    return broken


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_rule_fails_on_a_broken_manifest(manifest: Manifest, rule) -> None:
    broken = rule(_break(manifest, rule.__name__))
    assert broken, f"{rule.__name__} passed a manifest broken for it"
