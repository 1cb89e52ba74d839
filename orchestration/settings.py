"""Where things live. Every path comes from an environment variable with a working default, so
the CLI, Dagster, dbt (through profiles.yml) and the tests all agree on one warehouse."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingestion.systems import parse_sources

PROJECT_DIR = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "FUNNEL_LANDING_DIR": "data/landing",
    "FUNNEL_WAREHOUSE": "warehouse/funnel.duckdb",
    "DAGSTER_HOME": ".dagster_home",
}
# FUNNEL_PUBLISHED, the snapshot readers open (orchestration/serving/publish.py), has no fixed
# default: it sits beside the warehouse, <warehouse dir>/published/<warehouse name>.


def resolve_path(value: str) -> Path:
    """Relative paths are relative to the project, not the caller's working directory, because
    dbt, Dagster's webserver and the CLI each start from a different one."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_DIR / path


def put_interpreter_on_path() -> None:
    """dbt is installed beside this interpreter, but `.venv/bin/funnel` runs without the venv on
    PATH, and dagster-dbt looks dbt up there."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    dagster_home: Path
    published: Path | None = None
    # The source systems read besides the landing contract (FUNNEL_SOURCES, docs/sources.md).
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.published is None:
            object.__setattr__(self, "published", self.default_published())

    def default_published(self) -> Path:
        return self.warehouse.parent / "published" / self.warehouse.name

    @classmethod
    def from_env(cls) -> Settings:
        env = {k: os.environ.get(k) or v for k, v in DEFAULTS.items()}
        return cls(
            landing_dir=resolve_path(env["FUNNEL_LANDING_DIR"]),
            warehouse=resolve_path(env["FUNNEL_WAREHOUSE"]),
            dagster_home=resolve_path(env["DAGSTER_HOME"]),
            published=resolve_path(os.environ["FUNNEL_PUBLISHED"])
            if os.environ.get("FUNNEL_PUBLISHED")
            else None,
            sources=parse_sources(os.environ.get("FUNNEL_SOURCES")),
        )

    def export(self) -> None:
        """Publish the resolved absolute paths to child processes (dbt reads FUNNEL_WAREHOUSE in
        profiles.yml) and switch off telemetry, which would only time out without a network."""
        os.environ["FUNNEL_LANDING_DIR"] = str(self.landing_dir)
        os.environ["FUNNEL_WAREHOUSE"] = str(self.warehouse)
        os.environ["DAGSTER_HOME"] = str(self.dagster_home)
        # Only a snapshot path set apart from the warehouse is passed on: the default follows
        # FUNNEL_WAREHOUSE wherever a child process reads it.
        if self.published == self.default_published():
            os.environ.pop("FUNNEL_PUBLISHED", None)
        else:
            os.environ["FUNNEL_PUBLISHED"] = str(self.published)
        # dbt reads the systems through env_var('FUNNEL_SOURCES') (macros/sources.sql).
        os.environ["FUNNEL_SOURCES"] = ",".join(self.sources)
        os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
        os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
        put_interpreter_on_path()
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        config = self.dagster_home / "dagster.yaml"
        if not config.exists():
            config.write_text("telemetry:\n  enabled: false\n")


def parse_as_of(text: str) -> str:
    """An as-of time as dbt's var as_of takes it: 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, no zone.

    Accepts an ISO 8601 date or timestamp (`2026-06-30`, `2026-06-30T12:00`, `...Z`,
    `...+02:00`); a zone is converted to UTC, since every timestamp in the warehouse is UTC. A
    date means its midnight. Raises ValueError with the accepted forms, so a typo in
    `--as-of` or FUNNEL_AS_OF is one clear line, not a failed dbt cast half-way into a build.
    """
    from datetime import UTC, datetime

    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"as-of {text!r} is not an ISO 8601 date or timestamp "
            "(e.g. 2026-06-30, 2026-06-30 12:00:00, 2026-06-30T12:00:00Z)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ")


def resolve_as_of(explicit: str | None = None) -> str | None:
    """The as-of time of a build, normalised (parse_as_of): `explicit` (--as-of, the dbt
    asset's run config), else env FUNNEL_AS_OF, else None (the latest event in the data)."""
    text = (explicit or os.environ.get("FUNNEL_AS_OF") or "").strip()
    return parse_as_of(text) if text else None
