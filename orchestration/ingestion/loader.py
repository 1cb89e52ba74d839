"""Load landing files into the ``raw`` schema of the DuckDB warehouse.

Landing files are immutable deliveries: the manifest (``raw._load_manifest``) remembers each
file's sha256 so a re-run loads only new files, and a file that changed after it was loaded is
an error rather than a silent reload. Every file loads in one transaction with its manifest row
and its rejects, so a crash never leaves a half-loaded file behind.

Which files load: ``<landing>/<table>/**/<name>.csv``, ``.csv.gz`` or ``.parquet`` at any
depth below the table folder, in sorted path order; the manifest names them relative to the
landing zone (``leads/2025-03/x.csv``). A source system's tables (ingestion/systems.py) land
one level down, ``<landing>/<system>/<table>/**``, into ``raw_<system>.<table>`` under the same
rules and in the same manifest and rejects, which name their table ``<system>.<table>``
(``salesforce.lead``), as the reports and ``load_table`` do. Anything outside a table folder is
not loaded and is reported (``not_loadable``, a warning in ``LoadReport.summary``).

Completeness rule (the landing contract, orchestration/ingestion/contract.py): a file is taken
only once it is complete. Names starting with '.' or '_' (files and folders) or ending in '.tmp',
'.part', '.partial', '.crdownload' or '.filepart' are never loaded: writers write under such a
name and rename the finished file atomically. A file whose size or mtime changed within the
last ``FUNNEL_LANDING_SETTLE_SECONDS`` (default 2, read at call time; 0 disables) is still
being written: a load waits for such files once, at most that long, and leaves those still
changing (or dated in the future) for the next load, reported as pending ("still being
written"), neither loaded nor an error. ``pending_files`` (the sensor's poll) applies the same
rule without waiting, so a tick never triggers a run for a file the load would postpone. A file
that changes while it is hashed or loaded is rolled back and is pending too.

Nothing is dropped silently: a row either lands in ``raw.<table>`` or in ``raw._load_rejects``
with its file, line and a reason, and a column the contract does not know is recorded in the
manifest (``ignored_columns``). CSV files are therefore split into physical lines by DuckDB
and parsed in SQL (instead of DuckDB's CSV reader), because the CSV reader cannot report the
line number of the rows it accepts, and an unterminated quote there swallows the following
lines. A quoted field may span lines (RFC 4180): lines with an odd number of quotes pair up
into one record when together they form a well-formed record of the file's field count (at
most ``_MAX_RECORD_LINES`` lines); otherwise each is a malformed line of its own, so a stray
quote costs one line, not the rest of the file. LF, CRLF and CR-only line endings are read;
an embedded line break loads as LF. A ``.csv.gz`` file is decompressed to a temporary file and
then takes exactly the path of a plain CSV.

Values are typed in SQL too: a regexp_full_match guard first (DuckDB's casts are more lenient
than the contract), then try_cast. A timestamp text takes one CASE over its accepted forms
(contract.py), the usual one first, so a file of plain timestamps pays what it did before the
zones and epoch milliseconds were accepted; a value that arrived as a date alone is flagged per
row (``_date_only_columns``) by its length, and counted per file from the rows inserted.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import hashlib
import math
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingestion.contract import (
    DATE_ONLY_COLUMN,
    LINEAGE_COLUMNS,
    RAW_SCHEMA,
    TABLES,
    TEMPORARY_PREFIXES,
    TEMPORARY_SUFFIXES,
    Column,
    Table,
)
from orchestration.ingestion.systems import SYSTEMS

MEMORY_LIMIT_ENV = "FUNNEL_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "FUNNEL_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "8GB"
DEFAULT_THREADS = 2
SETTLE_SECONDS_ENV = "FUNNEL_LANDING_SETTLE_SECONDS"
DEFAULT_SETTLE_SECONDS = 2.0

REJECTS_TABLE = f"{RAW_SCHEMA}._load_rejects"
MANIFEST_TABLE = f"{RAW_SCHEMA}._load_manifest"
# Manifest columns added after the first release (an older warehouse gains them), in order.
_MANIFEST_ADDED_COLUMNS = (("ignored_columns", "VARCHAR"), ("date_only_values", "BIGINT"))
FILE_FORMATS = {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet"}  # by name ending
RAW_RECORD_MAX_CHARS = 1000
_REASON_VALUE_MAX_CHARS = 200
_LINES = "__funnel_load_lines"
_SPANS = "__funnel_load_spans"
# A quoted line break may make a record span lines; beyond this many it is taken for a stray
# quote instead, so a broken line never makes the loader glue a large part of a file together.
_MAX_RECORD_LINES = 1000
_GZIP_CHUNK = 1 << 20
_HEADER_MAX_BYTES = 1 << 20

# A delimiter that never occurs in text, so DuckDB's CSV reader hands back whole lines (should
# it occur anyway, _lines_add_up notices and read_text splits the file instead).
_NO_DELIMITER = "\x1f\x1e\x1d\x1c"

# A well-formed line under RFC 4180: a field is either quoted ("" escapes a quote) or free of
# quotes. That strictness lets a valid line be split by quote parity instead of by regex.
_CSV_FIELD = r'(?:"(?:[^"]|"")*"|[^,"]*)'
_CSV_LINE = rf"{_CSV_FIELD}(?:,{_CSV_FIELD})*"
# A record spanning lines: line breaks are allowed inside quotes only.
_CSV_MULTILINE_FIELD = r'(?:"(?:[^"]|"")*"|[^,"\r\n]*)'
_CSV_RECORD = rf"{_CSV_MULTILINE_FIELD}(?:,{_CSV_MULTILINE_FIELD})*"

# The accepted text shapes per type, checked before the cast because DuckDB's casts are more
# lenient than the contract: '1.5' casts to BIGINT 2, and a '+02:00' offset is ignored.
_TEXT_PATTERNS = {
    "BIGINT": r"[+-]?[0-9]+",
    # NaN and infinity spellings parse, so that they are rejected as not finite, not unparseable.
    "DOUBLE": r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?i:inf|infinity|nan)",
}
# Timestamp texts (TIMESTAMP and DATE columns; contract.py lists the forms), one pattern per way
# of converting them, tried in this order by _timestamp_text_sql. The hour is 00-23 (DuckDB
# takes 24:00:00 for the next midnight) and an offset at most 14:00, the widest in use.
_DATE_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIME_TEXT = r"[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?"
# Local time, or UTC (Z, a zero offset, ' UTC'), or a date alone: DuckDB's TIMESTAMP cast reads
# these right (it drops an offset, here a zero one) and fast. Nearly every value takes this path.
_UTC_TIMESTAMP_TEXT = rf"{_DATE_TEXT}(?:{_TIME_TEXT}(?:Z|[+-]00(?::?00)?| (?i:utc))?)?"
# Any other offset (+hh:mm, +hhmm, +hh), or 'UTC' without the space: read as TIMESTAMPTZ, which
# applies the offset, then taken to UTC.
_OFFSET_TEXT = r"[+-](?:(?:0[0-9]|1[0-3])(?::?[0-5][0-9])?|14(?::?00)?)"
_ZONED_TIMESTAMP_TEXT = rf"{_DATE_TEXT}{_TIME_TEXT}(?:{_OFFSET_TEXT}|(?i:utc))"
# Epoch milliseconds: 11 to 13 digits, 1970-04-26 to 2286-11-20. Fewer digits would be epoch
# seconds or no time at all, so they are rejected rather than guessed at.
_EPOCH_MS_TEXT = r"[0-9]{11,13}"
_EPOCH_MS_MIN, _EPOCH_MS_MAX = 10**10, 10**13 - 1
_DATE_ONLY_CHARS = 10  # len('YYYY-MM-DD'): every other accepted timestamp text is longer
_TRUE_TEXTS = ("true", "t", "1", "yes")
_FALSE_TEXTS = ("false", "f", "0", "no")
_FLOATING_TYPES = ("FLOAT", "DOUBLE", "DECIMAL")
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
_ALL_INTEGER_TYPES = _INTEGER_TYPES + tuple(f"U{t}" for t in _INTEGER_TYPES)
_NUMERIC_TYPES = _ALL_INTEGER_TYPES + _FLOATING_TYPES
_PENDING = "still being written"

# The settle wait; a test replaces it to play a writer that goes on writing meanwhile.
_wait = time.sleep


class LoadError(Exception):
    """A landing file cannot be loaded as delivered: the fix belongs to the file, not the run."""


class LandingFileChangedError(LoadError):
    """A file already loaded has different bytes now; reloading it would double-count rows."""


class MissingColumnError(LoadError):
    """A file lacks a required contract column, so none of its rows can be trusted."""


@dataclass(frozen=True)
class FileLoadResult:
    """One file's outcome. For a loaded file rows_in == rows_loaded + rows_rejected; a skipped
    file (already in the manifest) and a pending one (still being written, left for the next
    load) count no rows, so totals describe this run only. ``extra_columns`` are the file's
    columns the contract does not know: ignored, and recorded in the manifest."""

    file: str
    table: str
    file_format: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    skipped: bool = False
    extra_columns: tuple[str, ...] = ()
    missing_optional_columns: tuple[str, ...] = ()
    seconds: float = 0.0
    pending: bool = False
    date_only_values: int = 0  # TIMESTAMP values that arrived as a date alone (midnight UTC)


@dataclass
class TableLoadReport:
    """The files of one table, so a per-table Dagster asset can report its own outcome."""

    table: str  # 'leads' for raw.leads; '<system>.<table>' ('salesforce.lead') for a system's
    files: list[FileLoadResult] = field(default_factory=list)

    @property
    def files_loaded(self) -> int:
        return sum(not f.skipped and not f.pending for f in self.files)

    @property
    def files_skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def files_pending(self) -> int:
        return sum(f.pending for f in self.files)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    def summary(self) -> str:
        pending = [f.file for f in self.files if f.pending]
        waiting = f", {len(pending)} pending ({_PENDING}: {', '.join(pending)})" if pending else ""
        ignored = "".join(
            f"; ignored column(s) {', '.join(f.extra_columns)} in {f.file}"
            for f in self.files
            if f.extra_columns
        )
        date_only = "".join(
            f"; {f.date_only_values:,} date-only timestamp value(s) in {f.file}, loaded as "
            "midnight UTC"
            for f in self.files
            if f.date_only_values
        )
        return (
            f"{self.table}: {self.files_loaded} file(s) loaded, {self.files_skipped} skipped"
            f"{waiting}, {self.rows_loaded:,} rows loaded, {self.rows_rejected:,} rejected"
            f"{ignored}{date_only}"
        )


@dataclass
class LoadReport:
    """A whole landing run; what is never loaded (unknown folders, files in the landing root,
    files of no landing format) is listed, because a misspelt folder or an .xlsx delivery would
    otherwise be ignored without anyone noticing."""

    tables: list[TableLoadReport] = field(default_factory=list)
    not_loadable: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[FileLoadResult]:
        return [f for t in self.tables for f in t.files]

    @property
    def files_loaded(self) -> int:
        return sum(t.files_loaded for t in self.tables)

    @property
    def files_skipped(self) -> int:
        return sum(t.files_skipped for t in self.tables)

    @property
    def files_pending(self) -> int:
        return sum(t.files_pending for t in self.tables)

    @property
    def rows_in(self) -> int:
        return sum(t.rows_in for t in self.tables)

    @property
    def rows_loaded(self) -> int:
        return sum(t.rows_loaded for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        return sum(t.rows_rejected for t in self.tables)

    def summary(self) -> str:
        pending = f", {self.files_pending} pending" if self.files_pending else ""
        lines = [
            f"{self.files_loaded} file(s) loaded, {self.files_skipped} skipped{pending}, "
            f"{self.rows_loaded:,} rows loaded, {self.rows_rejected:,} rejected"
        ]
        lines += [f"  {t.summary()}" for t in self.tables if t.files]
        if self.not_loadable:
            lines.append(f"  {not_loadable_warning(self.not_loadable)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Target:
    """A raw table the loader writes: a landing-contract table (``leads``: files in
    ``<landing>/leads/``, rows in ``raw.leads``) or a source system's (``salesforce.lead``:
    files in ``<landing>/salesforce/lead/``, rows in ``raw_salesforce.lead``). ``name`` is how
    the manifest, the rejects and the reports name it."""

    name: str
    schema: str
    table: Table
    folder: tuple[str, ...]  # below the landing zone
    system: str | None = None

    @property
    def relation(self) -> str:
        return f"{_ident(self.schema)}.{_ident(self.table.name)}"


def _all_targets() -> dict[str, _Target]:
    clash = sorted(set(TABLES) & set(SYSTEMS))
    if clash:  # a folder of the landing root would mean two things
        raise ValueError(f"source system(s) named like a landing table: {', '.join(clash)}")
    targets = {name: _Target(name, RAW_SCHEMA, table, (name,)) for name, table in TABLES.items()}
    for system in SYSTEMS.values():
        for name, table in system.tables.items():
            key = f"{system.name}.{name}"
            targets[key] = _Target(key, system.raw_schema, table, (system.name, name), system.name)
    return targets


_TARGETS = _all_targets()


def _system_targets(systems: Iterable[str]) -> list[str]:
    chosen = set(systems)
    return [name for name, t in _TARGETS.items() if t.system in chosen]


def _check_systems(systems: Iterable[str]) -> list[str]:
    names = sorted(set(systems))
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise ValueError(
            f"unknown source system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}"
        )
    return names


def _systems_with_files(landing_dir: Path) -> list[str]:
    """The systems one of whose table folders holds a landing file."""
    return [
        system
        for system in SYSTEMS
        if any(_landing_files(landing_dir, t) for t in _system_targets([system]))
    ]


@dataclass(frozen=True)
class _FilePlan:
    """What a file needs to load, worked out before any file loads so a bad delivery fails
    the run up front instead of half way."""

    path: Path
    rel: str
    target: _Target
    file_format: str
    checksum: str
    size: int
    signature: tuple[int, int]  # (size, mtime_ns) when planned: a change means still written
    compressed: bool
    columns: dict[str, tuple[int, str, str]]  # contract column -> (position, name, type)
    field_count: int
    extra_columns: tuple[str, ...]
    missing_optional_columns: tuple[str, ...]
    all_columns: tuple[str, ...]

    @property
    def table(self) -> Table:
        return self.target.table


def connect(
    warehouse: Path, *, memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with the loader's resource limits, so a 2-core box is not oversold."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "memory_limit": memory_limit or os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT),
        "threads": threads or int(os.environ.get(THREADS_ENV, DEFAULT_THREADS)),
    }
    con = duckdb.connect(str(warehouse), config=config)
    con.execute("SET enable_progress_bar = false")  # it would flood CLI and Dagster logs
    return con


def ensure_raw_schema(con: duckdb.DuckDBPyConnection, systems: Iterable[str] = ()) -> None:
    """Create every raw table up front so dbt sources exist before the first file arrives: the
    landing contract's in ``raw`` and, for each source system named, its tables in
    ``raw_<system>``; with the manifest and the rejects (one of each, in ``raw``). A warehouse
    from before a lineage or manifest column existed gains it (NULL for what was loaded then)."""
    targets = [_TARGETS[name] for name in TABLES]
    targets += [_TARGETS[name] for name in _system_targets(_check_systems(systems))]
    lineage = ", ".join(f"{name} {type_}" for name, type_ in LINEAGE_COLUMNS)
    for schema in dict.fromkeys(t.schema for t in targets):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
    for target in targets:
        columns = ", ".join(f"{_ident(c.name)} {c.type}" for c in target.table.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {target.relation} ({columns}, {lineage})")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {REJECTS_TABLE} (table_name VARCHAR, source_file VARCHAR, "
        "source_line BIGINT, reason VARCHAR, raw_record VARCHAR, loaded_at TIMESTAMP)"
    )
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} (source_file VARCHAR PRIMARY KEY, "
        "table_name VARCHAR, checksum VARCHAR, file_format VARCHAR, file_size BIGINT, "
        "rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, loaded_at TIMESTAMP, "
        "load_seconds DOUBLE, ignored_columns VARCHAR, date_only_values BIGINT)"
    )
    manifest = (RAW_SCHEMA, MANIFEST_TABLE.split(".")[1])
    added = [(*manifest, name, type_) for name, type_ in _MANIFEST_ADDED_COLUMNS]
    added += [(t.schema, t.table.name, *column) for t in targets for column in LINEAGE_COLUMNS]
    _add_missing_columns(con, added)


def _add_missing_columns(
    con: duckdb.DuckDBPyConnection, wanted: list[tuple[str, str, str, str]]
) -> None:
    """Add each (schema, table, column, type) the table lacks; one catalog read first keeps
    the usual call free of catalog writes."""
    present = {
        tuple(row)
        for row in con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema IN (SELECT unnest(?::VARCHAR[])) "
            "AND column_name IN (SELECT unnest(?::VARCHAR[]))",
            [sorted({w[0] for w in wanted}), sorted({w[2] for w in wanted})],
        ).fetchall()
    }
    for schema, table, column, type_ in wanted:
        if (schema, table, column) not in present:
            con.execute(
                f"ALTER TABLE {_ident(schema)}.{_ident(table)} "
                f"ADD COLUMN IF NOT EXISTS {_ident(column)} {type_}"
            )


def load_landing(
    landing_dir: Path,
    warehouse: Path,
    *,
    tables: Iterable[str] | None = None,
    systems: Iterable[str] = (),
    memory_limit: str | None = None,
    threads: int | None = None,
) -> LoadReport:
    """Load every new, complete landing file, in sorted path order. All files are checked
    before the first one loads, so a changed file or a missing column stops the run before it
    has loaded anything; files still being written are reported pending and left alone.

    ``tables`` (default: all) names landing tables (``leads``) and source-system tables
    (``salesforce.lead``). ``systems`` are the enabled source systems (FUNNEL_SOURCES): their
    raw tables are created even before their first file, so dbt finds them. A system's files
    load whether it is enabled or not, and a system with files has its tables too."""
    if not landing_dir.is_dir():
        raise FileNotFoundError(f"landing directory {landing_dir} does not exist")
    enabled = set(_check_systems(systems))
    if tables is None:
        present = sorted(enabled | set(_systems_with_files(landing_dir)))
        names = sorted([*TABLES, *_system_targets(present)])
    else:
        names = sorted(set(tables))
        unknown = sorted(set(names) - set(_TARGETS))
        if unknown:
            raise ValueError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(_TARGETS)}")
        present = sorted(enabled | {s for n in names if (s := _TARGETS[n].system)})
    with connect(warehouse, memory_limit=memory_limit, threads=threads) as con:
        ensure_raw_schema(con, systems=present)
        plans = _plan_tables(con, landing_dir, names)
        reports = [_load_plans(con, name, plans[name]) for name in names]
    return LoadReport(tables=reports, not_loadable=not_loadable(landing_dir))


def load_table(con: duckdb.DuckDBPyConnection, landing_dir: Path, table: str) -> TableLoadReport:
    """Load the new files of one table (one Dagster asset); checks all of them first. ``table``
    is a landing table (``leads``) or a source system's (``salesforce.lead``)."""
    if table not in _TARGETS:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(_TARGETS)}")
    system = _TARGETS[table].system
    ensure_raw_schema(con, systems=[system] if system else [])
    return _load_plans(con, table, _plan_tables(con, landing_dir, [table])[table])


def pending_files(landing_dir: Path, warehouse: Path) -> dict[str, list[Path]]:
    """New, complete files per table (tables without any are left out), for a sensor to poll
    cheaply: files are matched by name only, so nothing is hashed and the warehouse is never
    locked for writing. A changed file is not pending; the load reports it. A file still being
    written (the completeness rule, see the module docstring) is left out without waiting: a
    later tick sees it once it has settled. Tables are named as ``load_table`` takes them:
    ``leads``, and ``salesforce.lead`` for a source system's (whether enabled or not)."""
    known: set[str] = set()
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            has_manifest = con.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = ? AND table_name = ?",
                [RAW_SCHEMA, MANIFEST_TABLE.split(".")[1]],
            ).fetchone()
            if has_manifest and has_manifest[0]:
                rows = con.execute(f"SELECT source_file FROM {MANIFEST_TABLE}").fetchall()
                known = {r[0] for r in rows}
    new = {
        table: [p for p in _landing_files(landing_dir, table) if _rel(p, landing_dir) not in known]
        for table in _TARGETS
    }
    ready, _ = _settle([p for files in new.values() for p in files], wait=False)
    pending = {table: [p for p in files if p in ready] for table, files in new.items()}
    return {table: files for table, files in pending.items() if files}


def not_loadable(landing_dir: Path) -> list[str]:
    """What in the landing zone is never loaded, sorted: folders that are no table (``lead/``
    for ``leads``) nor source system, files lying in its root, and files in a table folder that
    are no landing format (``leads/export.xlsx``; see FILE_FORMATS). A source-system folder
    (``salesforce/``) is held to the same rules one level down: a folder in it that is none of
    the system's tables (``salesforce/leads/``), a file lying in it, a file of another format
    in one of its table folders. Every caller (load, build, sensor) shows them, so a delivery
    is never passed over in silence. Temporary names (see the completeness rule) are left out,
    so a ``_generator_manifest.json`` or a ``.DS_Store`` is no warning."""
    if not landing_dir.is_dir():
        return []
    found: list[str] = []
    for path in landing_dir.iterdir():
        if _is_temporary(path.name):
            continue
        if path.is_file():
            found.append(path.name)
        elif path.is_dir() and path.name in TABLES:
            found += _unsupported_in(path, landing_dir)
        elif path.is_dir() and path.name in SYSTEMS:
            found += _not_loadable_in_system(path, landing_dir)
        elif path.is_dir():
            found.append(path.name + "/")
    return sorted(found)


def _not_loadable_in_system(folder: Path, landing_dir: Path) -> list[str]:
    tables = SYSTEMS[folder.name].tables
    found: list[str] = []
    for path in folder.iterdir():
        if _is_temporary(path.name):
            continue
        rel = _rel(path, landing_dir)
        if path.is_file():
            found.append(rel)
        elif path.is_dir() and path.name in tables:
            found += _unsupported_in(path, landing_dir)
        elif path.is_dir():
            found.append(rel + "/")
    return found


def _unsupported_in(folder: Path, landing_dir: Path) -> list[str]:
    return [
        p.relative_to(landing_dir).as_posix()
        for p in _delivered_files(folder)
        if not _file_format(p.name)
    ]


def not_loadable_warning(names: list[str]) -> str:
    """The one warning every caller prints for what not_loadable found; the tables of a source
    system are listed when something in its folder is not loaded."""
    systems = [s for s in SYSTEMS if any(n.startswith(f"{s}/") for n in names)]
    system_tables = "".join(
        f"; {s} tables: {', '.join(sorted(SYSTEMS[s].tables))}" for s in sorted(systems)
    )
    return (
        f"WARNING: not loaded: {', '.join(names)} (a table folder holds "
        f"{', '.join(FILE_FORMATS)} files; known tables: {', '.join(sorted(TABLES))}; "
        f"source-system folders: {', '.join(f'{s}/<table>/' for s in sorted(SYSTEMS))}"
        f"{system_tables})"
    )


def landing_settle_seconds() -> float:
    """How long a landing file must stay unchanged before it counts as complete, from
    FUNNEL_LANDING_SETTLE_SECONDS at call time (so a test or a deployment can change it
    without a restart); 0 disables the rule."""
    text = os.environ.get(SETTLE_SECONDS_ENV, "").strip()
    if not text:
        return DEFAULT_SETTLE_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"{SETTLE_SECONDS_ENV} must be a number of seconds >= 0, not {text!r}")
    return seconds


def _is_temporary(name: str) -> bool:
    return name.startswith(TEMPORARY_PREFIXES) or name.lower().endswith(TEMPORARY_SUFFIXES)


def _file_format(name: str) -> str | None:
    lower = name.lower()
    return next((fmt for suffix, fmt in FILE_FORMATS.items() if lower.endswith(suffix)), None)


def _delivered_files(folder: Path) -> list[Path]:
    """Every file below a table folder at any depth, in sorted path order (by path components,
    so ``2025-03/x.csv`` sorts with its folder). Temporary names are skipped, for folders too:
    writers use them for deliveries still in progress."""
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not _is_temporary(d)]
        files += [
            Path(root, name)
            for name in names
            if not _is_temporary(name) and Path(root, name).is_file()
        ]
    return sorted(files, key=lambda p: p.relative_to(folder).parts)


def _landing_files(landing_dir: Path, table: str) -> list[Path]:
    """The table's landing files (a landing format, see FILE_FORMATS) at any depth; ``table``
    is a landing table or a source system's (``salesforce.lead``: ``salesforce/lead/``)."""
    folder = landing_dir.joinpath(*_TARGETS[table].folder)
    if not folder.is_dir():
        return []
    return [p for p in _delivered_files(folder) if _file_format(p.name)]


def landing_has_files(landing_dir: Path) -> bool:
    """True when any table folder holds a landing file (whether loaded yet or not), a source
    system's table folders included."""
    return any(_landing_files(landing_dir, table) for table in _TARGETS)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _settle(paths: list[Path], *, wait: bool) -> tuple[dict[Path, tuple[int, int]], list[Path]]:
    """(complete files with their signatures, files still being written) under the
    completeness rule. With ``wait``, files changed within the settle window are watched
    until it has passed for all of them, but never longer than the window itself: a file
    unchanged by then is complete, the rest are left for the next load. A file that vanished
    meanwhile is neither."""
    seconds = landing_settle_seconds()
    first = {p: sig for p in paths if (sig := _signature(p)) is not None}
    if seconds <= 0:
        return first, []
    now = time.time()
    young = {p: sig for p, sig in first.items() if now - sig[1] / 1e9 < seconds}
    if young and wait:
        until = min(max(sig[1] / 1e9 for sig in young.values()) + seconds, now + seconds)
        _wait(max(until - now, 0.0) + 0.01)
        now = time.time()
        young = {
            p: sig
            for p, sig in young.items()
            if _signature(p) != sig or now - sig[1] / 1e9 < seconds
        }
    ready = {p: sig for p, sig in first.items() if p not in young}
    return ready, [p for p in paths if p in young and p.exists()]


def _plan_tables(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, tables: list[str]
) -> dict[str, list[_FilePlan | FileLoadResult]]:
    """Every table's files, planned together so that one settle wait covers all of them."""
    loaded = dict(con.execute(f"SELECT source_file, checksum FROM {MANIFEST_TABLE}").fetchall())
    files = {table: _landing_files(landing_dir, table) for table in tables}
    new = [p for table in tables for p in files[table] if _rel(p, landing_dir) not in loaded]
    ready, still_written = _settle(new, wait=True)
    plans: dict[str, list[_FilePlan | FileLoadResult]] = {}
    for table in tables:
        plans[table] = []
        for path in files[table]:
            rel = _rel(path, landing_dir)
            file_format = _file_format(path.name) or ""
            if rel in loaded:
                checksum = _sha256(path)
                if loaded[rel] != checksum:
                    raise LandingFileChangedError(
                        f"{rel} changed after it was loaded (sha256 was {loaded[rel]}, is now "
                        f"{checksum}); landing files are immutable, deliver changes as a new file"
                    )
                plans[table].append(FileLoadResult(rel, table, file_format, skipped=True))
            elif path in ready:
                plan = _plan_file(con, path, rel, _TARGETS[table], file_format, ready[path])
                plans[table].append(plan or FileLoadResult(rel, table, file_format, pending=True))
            elif path in still_written:
                plans[table].append(FileLoadResult(rel, table, file_format, pending=True))
    return plans


def _plan_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    rel: str,
    target: _Target,
    file_format: str,
    signature: tuple[int, int],
) -> _FilePlan | None:
    """The file's plan, or None when it changed while it was being read (still written)."""
    compressed = path.name.lower().endswith(".gz")
    checksum = _sha256(path)
    try:
        if compressed:
            _check_gzip(path, rel)
        if file_format == "csv":
            file_columns = [(name, "VARCHAR") for name in _csv_header(path, rel)]
        else:
            file_columns = _parquet_columns(con, path, rel)
    except LoadError:
        if _signature(path) != signature:
            return None  # unreadable because a writer is at it
        raise
    if _signature(path) != signature:
        return None
    return _match_columns(
        path, rel, target, file_format, checksum, file_columns, signature, compressed
    )


def _match_columns(
    path: Path,
    rel: str,
    target: _Target,
    file_format: str,
    checksum: str,
    file_columns: list[tuple[str, str]],
    signature: tuple[int, int],
    compressed: bool,
) -> _FilePlan:
    table = target.table
    wanted = {c.name.lower(): c.name for c in table.columns}
    columns: dict[str, tuple[int, str, str]] = {}
    extra: list[str] = []
    for position, (name, type_) in enumerate(file_columns):
        contract_name = wanted.get(name.strip().lower())
        if contract_name is None:
            extra.append(name)
        elif contract_name in columns:
            raise LoadError(f"{rel}: column {contract_name!r} appears more than once")
        else:
            columns[contract_name] = (position, name, type_)
    missing = [c.name for c in table.columns if c.required and c.name not in columns]
    if missing:
        raise MissingColumnError(f"{rel}: missing required column(s) {', '.join(missing)}")
    return _FilePlan(
        path=path,
        rel=rel,
        target=target,
        file_format=file_format,
        checksum=checksum,
        size=signature[0],
        signature=signature,
        compressed=compressed,
        columns=columns,
        field_count=len(file_columns),
        extra_columns=tuple(extra),
        missing_optional_columns=tuple(c.name for c in table.columns if c.name not in columns),
        all_columns=tuple(name for name, _ in file_columns),
    )


def _load_plans(
    con: duckdb.DuckDBPyConnection, table: str, plans: list[_FilePlan | FileLoadResult]
) -> TableLoadReport:
    report = TableLoadReport(table)
    for plan in plans:
        report.files.append(plan if isinstance(plan, FileLoadResult) else _load_file(con, plan))
    return report


class _ChangedWhileLoading(Exception):
    """The file's size or mtime moved during its load: a writer is still at it."""


def _load_file(con: duckdb.DuckDBPyConnection, plan: _FilePlan) -> FileLoadResult:
    started = time.perf_counter()
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    columns = plan.table.columns
    target = plan.target
    date_only = _date_only_columns_sql(plan)
    lineage = ["_source_file", "_source_line", "_loaded_at"] + [DATE_ONLY_COLUMN] * bool(date_only)
    insert_columns = ", ".join([_ident(c.name) for c in columns] + lineage)
    outputs = ", ".join(
        [f"__v{i} AS {_ident(c.name)}" for i, c in enumerate(columns)]
        + ["? AS _source_file", "__line_no", "? AS _loaded_at"]
        + ([date_only] if date_only else [])
    )
    ignored_columns = ",".join(plan.extra_columns) or None
    try:
        with contextlib.ExitStack() as stack:
            source = plan.path
            if plan.compressed:
                tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="funnel-")))
                source = _decompress(plan, tmp / "landing.csv")
            rows_sql, raw_record = _rows_sql(con, plan, source)
            con.execute("BEGIN TRANSACTION")
            try:
                rows_loaded = _count(
                    con.execute(
                        f"INSERT INTO {target.relation} ({insert_columns}) "
                        f"SELECT {outputs} FROM ({rows_sql}) WHERE __reason IS NULL",
                        [plan.rel, loaded_at],
                    )
                )
                date_only_values = (
                    _date_only_values(con, target, plan.rel, loaded_at) if date_only else 0
                )
                rows_in = _rows_in(con, plan, source)
                rows_rejected = 0
                if raw_record and rows_loaded < rows_in:  # a clean file is parsed only once
                    rows_rejected = _count(
                        con.execute(
                            f"INSERT INTO {REJECTS_TABLE} SELECT ?, ?, __line_no, __reason, "
                            f"left({raw_record}, {RAW_RECORD_MAX_CHARS}), ? FROM ({rows_sql}) "
                            "WHERE __reason IS NOT NULL",
                            [target.name, plan.rel, loaded_at],
                        )
                    )
                if _signature(plan.path) != plan.signature:
                    raise _ChangedWhileLoading
                if rows_in != rows_loaded + rows_rejected:
                    raise LoadError(
                        f"{plan.rel}: {rows_in} rows in but {rows_loaded} loaded and "
                        f"{rows_rejected} rejected; refusing to drop rows silently"
                    )
                seconds = time.perf_counter() - started
                con.execute(
                    f"INSERT INTO {MANIFEST_TABLE} (source_file, table_name, checksum, "
                    "file_format, file_size, rows_in, rows_loaded, rows_rejected, loaded_at, "
                    "load_seconds, ignored_columns, date_only_values) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        plan.rel,
                        target.name,
                        plan.checksum,
                        plan.file_format,
                        plan.size,
                        rows_in,
                        rows_loaded,
                        rows_rejected,
                        loaded_at,
                        seconds,
                        ignored_columns,
                        date_only_values,
                    ],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    except _ChangedWhileLoading:
        return FileLoadResult(plan.rel, target.name, plan.file_format, pending=True)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_LINES}")
        con.execute(f"DROP TABLE IF EXISTS {_SPANS}")
    return FileLoadResult(
        file=plan.rel,
        table=target.name,
        file_format=plan.file_format,
        rows_in=rows_in,
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
        extra_columns=plan.extra_columns,
        missing_optional_columns=plan.missing_optional_columns,
        seconds=seconds,
        date_only_values=date_only_values,
    )


def _date_only_values(
    con: duckdb.DuckDBPyConnection, target: _Target, rel: str, loaded_at: datetime
) -> int:
    """How many values of the file's rows just inserted arrived as a date alone: counted from
    the inserted rows, not by parsing the file again. ``_loaded_at`` is one value per file
    load and rows are appended in load order, so its zone maps let the scan skip every row
    group of earlier loads."""
    commas = f"strlen({DATE_ONLY_COLUMN}) - strlen(replace({DATE_ONLY_COLUMN}, ',', ''))"
    return _count(
        con.execute(
            f"SELECT coalesce(sum({commas} + 1), 0) FROM {target.relation} "
            f"WHERE _loaded_at = ? AND _source_file = ? AND {DATE_ONLY_COLUMN} IS NOT NULL",
            [loaded_at, rel],
        )
    )


def _rows_in(con: duckdb.DuckDBPyConnection, plan: _FilePlan, source: Path) -> int:
    # Parquet is counted from its footer, independently of what the load queries saw. A CSV row
    # is a record: a non-empty line after the header, the lines of a quoted line break merged.
    if plan.file_format == "parquet":
        sql = f"SELECT num_rows FROM parquet_file_metadata({_path_literal(source)})"
    else:
        sql = f"SELECT count(*) FROM {_LINES} WHERE __line_no > 1 AND __line <> ''"
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _value_sql(plan: _FilePlan, i: int, column: Column) -> tuple[str, str, bool]:
    """(text, value, checked): ``text`` reads the source value as ``__s{i}``, ``value`` turns
    it into the contract type as ``__v{i}``, and ``checked`` says whether that can fail."""
    s = f"__s{i}"
    if column.name not in plan.columns:
        return "NULL", f"CAST(NULL AS {column.type})", False
    position, name, source_type = plan.columns[column.name]
    source = f"__f[{position + 1}]" if plan.file_format == "csv" else _ident(name)
    if source_type == "VARCHAR":
        if column.type == "VARCHAR":
            return _text_null_sql(source, column), s, False
        return _typed_null_sql(source, column), _parse_text_sql(s, column.type), True
    if source_type == column.type:
        return source, s, column.type == "DOUBLE"  # NaN and infinity are checked
    if column.type in ("TIMESTAMP", "DATE") and source_type == "TIMESTAMP WITH TIME ZONE":
        # In UTC whatever the session's TimeZone (a plain cast would take the local time).
        utc = f"timezone('UTC', {s})"
        return source, utc if column.type == "TIMESTAMP" else f"CAST({utc} AS DATE)", False
    if column.type in ("TIMESTAMP", "DATE") and source_type in _ALL_INTEGER_TYPES:
        ms = _epoch_ms_sql(s)
        return source, ms if column.type == "TIMESTAMP" else f"CAST({ms} AS DATE)", True
    if column.type == "BIGINT" and source_type.startswith(_FLOATING_TYPES):
        return source, f"CASE WHEN {s} = trunc({s}) THEN try_cast({s} AS BIGINT) END", True
    if column.type == "BOOLEAN" and source_type.startswith(_NUMERIC_TYPES):
        # A cast takes any non-zero number for true; the contract knows only 0 and 1.
        return source, f"CASE WHEN {s} = 1 THEN true WHEN {s} = 0 THEN false END", True
    return source, f"try_cast({s} AS {column.type})", True


def _date_only_sql(plan: _FilePlan, i: int, column: Column) -> str | None:
    """When value ``i`` of a loaded row arrived as a date alone (TIMESTAMP columns only),
    or None when it cannot: a text of exactly 'YYYY-MM-DD' length (every other accepted form
    is longer, and only rows whose values all parsed are loaded), any value of a Parquet DATE
    column."""
    if column.type != "TIMESTAMP" or column.name not in plan.columns:
        return None
    source_type = plan.columns[column.name][2]
    if source_type == "VARCHAR":
        return f"strlen(__s{i}) = {_DATE_ONLY_CHARS}"
    if source_type == "DATE":
        return f"__s{i} IS NOT NULL"
    return None


def _date_only_columns_sql(plan: _FilePlan) -> str | None:
    """The row's ``_date_only_columns``: the TIMESTAMP columns whose value arrived as a date
    alone, comma-separated in contract order, NULL for none; None when no column can."""
    flags = [
        f"CASE WHEN {condition} THEN {_lit(column.name)} END"
        for i, column in enumerate(plan.table.columns)
        if (condition := _date_only_sql(plan, i, column))
    ]
    if not flags:
        return None
    if len(flags) == 1:
        return flags[0]
    return f"nullif(concat_ws(',', {', '.join(flags)}), '')"


def _text_null_sql(text: str, column: Column) -> str:
    """A text value as loaded: NULL for the empty field and the null tokens (trimmed, any
    case); any other value exactly as delivered, surrounding spaces included. Only short
    values and values with surrounding spaces can be tokens, and testing that first keeps the
    token test off nearly every value (lower(trim()) on each one made a parquet load of text
    columns 1.5x slower; LIKE is the cheapest test for surrounding spaces)."""
    tokens = sorted({t.strip().lower() for t in column.null_tokens} - {""})
    conditions = [f"{text} = ''"] if "" in column.null_tokens else []
    if tokens:
        listed = ", ".join(map(_lit, tokens))
        conditions += [
            f"(strlen({text}) <= {max(map(len, tokens))} AND lower({text}) IN ({listed}))",
            f"(({text} LIKE ' %' OR {text} LIKE '% ') AND lower(trim({text})) IN ({listed}))",
        ]
    if not conditions:
        return text
    return f"CASE WHEN {' OR '.join(conditions)} THEN NULL ELSE {text} END"


def _typed_null_sql(text: str, column: Column) -> str:
    """A text value to be parsed, trimmed; NULL for the empty field and the null tokens, which
    mean a missing value whatever the column's type, as they do in text columns."""
    tokens = sorted({t.strip().lower() for t in column.null_tokens} - {""})
    trimmed = f"trim({text})"
    condition = f"{trimmed} = ''"
    if tokens:
        listed = ", ".join(map(_lit, tokens))
        condition += (
            f" OR (strlen({trimmed}) <= {max(map(len, tokens))} AND lower({trimmed}) IN ({listed}))"
        )
    return f"CASE WHEN {condition} THEN NULL ELSE {trimmed} END"


def _parse_text_sql(text: str, type_: str) -> str:
    if type_ == "BOOLEAN":
        return (
            f"CASE WHEN lower({text}) IN {_TRUE_TEXTS} THEN true "
            f"WHEN lower({text}) IN {_FALSE_TEXTS} THEN false END"
        )
    if type_ == "TIMESTAMP":
        return _timestamp_text_sql(text)
    if type_ == "DATE":  # a date, or any timestamp form: its UTC date
        return f"CAST({_timestamp_text_sql(text)} AS DATE)"
    pattern = _lit(_TEXT_PATTERNS[type_])
    return f"CASE WHEN regexp_full_match({text}, {pattern}) THEN try_cast({text} AS {type_}) END"


def _timestamp_text_sql(text: str) -> str:
    """A trimmed timestamp text as a naive UTC TIMESTAMP, or NULL when it is none of the
    contract's forms (or an impossible date or time, which the casts return NULL for). One
    CASE, so each value is matched against the patterns in turn and converted by the first that
    fits; the first is the shape nearly every value has, which keeps the usual cost at one
    regexp_full_match and one try_cast, as for the narrower contract before."""
    zoned = f"regexp_replace({text}, '(?i:utc)$', '+00')"
    return (
        f"CASE WHEN regexp_full_match({text}, {_lit(_UTC_TIMESTAMP_TEXT)}) "
        f"THEN try_cast({text} AS TIMESTAMP) "
        f"WHEN regexp_full_match({text}, {_lit(_ZONED_TIMESTAMP_TEXT)}) "
        f"THEN timezone('UTC', try_cast({zoned} AS TIMESTAMPTZ)) "
        f"WHEN regexp_full_match({text}, {_lit(_EPOCH_MS_TEXT)}) "
        f"THEN epoch_ms(CAST({text} AS BIGINT)) END"
    )


def _epoch_ms_sql(number: str) -> str:
    """An integer (a Parquet integer column) as epoch milliseconds, within the range of the
    text form (11 to 13 digits), else NULL."""
    return (
        f"CASE WHEN {number} BETWEEN {_EPOCH_MS_MIN} AND {_EPOCH_MS_MAX} "
        f"THEN epoch_ms(CAST({number} AS BIGINT)) END"
    )


def _values_sql(source_sql: str, values: list[tuple[str, str, bool]]) -> str:
    texts = ", ".join(f"{text} AS __s{i}" for i, (text, _, _) in enumerate(values))
    typed = ", ".join(f"{value} AS __v{i}" for i, (_, value, _) in enumerate(values))
    return f"(SELECT *, {typed} FROM (SELECT *, {texts} FROM ({source_sql})))"


def _problem_sql(i: int, column: Column) -> str:
    """Why value ``i`` of a row cannot load, or NULL: it did not parse, or it is a NaN or an
    infinity in a DOUBLE column (no amount is either, and one would poison every sum)."""
    quote = _lit(chr(39))
    shown = f"left(CAST(__s{i} AS VARCHAR), {_REASON_VALUE_MAX_CHARS})"
    not_finite = (
        f"WHEN NOT isfinite(__v{i}) THEN "
        f"{_lit(column.name + ': not a finite number: ' + chr(39))} || {shown} || {quote} "
        if column.type == "DOUBLE"
        else ""
    )
    return (
        f"CASE WHEN __s{i} IS NOT NULL AND __v{i} IS NULL THEN "
        f"{_lit(column.name + ': cannot parse ' + chr(39))} || {shown} || "
        f"{_lit(chr(39) + ' as ' + column.type)} {not_finite}END"
    )


def _rows_sql(
    con: duckdb.DuckDBPyConnection, plan: _FilePlan, source: Path
) -> tuple[str, str | None]:
    """The file's rows with typed values ``__v{i}``, ``__line_no`` and the reject ``__reason``,
    plus the raw-record expression for rejects (None when no row can be rejected, as for a
    parquet file of contract types). Good rows and rejects are separate parallel passes over
    this query: that needs less memory than materialising every parsed row, and the rejects
    pass only runs when rows are missing from the good ones. ``source`` is the file to read
    (for a .csv.gz its decompressed copy)."""
    values = [_value_sql(plan, i, c) for i, c in enumerate(plan.table.columns)]
    problems = [
        _problem_sql(i, column)
        for i, (column, (_, _, checked)) in enumerate(zip(plan.table.columns, values, strict=True))
        if checked
    ]
    value_reason = f"nullif(concat_ws('; ', {', '.join(problems)}), '')" if problems else "NULL"
    if plan.file_format == "csv":
        _create_lines(con, plan, source)
        _merge_quoted_line_breaks(con, plan.field_count)
        rows = _csv_source_sql(f"SELECT * FROM {_LINES}")
        reason = (
            "CASE WHEN __f IS NULL THEN 'malformed CSV line: unterminated or misplaced quote' "
            f"WHEN len(__f) <> {plan.field_count} THEN 'malformed CSV line: expected "
            f"{plan.field_count} fields, found ' || len(__f) ELSE {value_reason} END"
        )
        raw_record: str | None = "__line"
    else:
        rows = _parquet_source_sql(source)
        reason = value_reason
        pairs = ", ".join(f"{_lit(name)}: {_ident(name)}" for name in plan.all_columns)
        raw_record = f"CAST({{{pairs}}} AS VARCHAR)" if problems else None
    return f"SELECT *, {reason} AS __reason FROM {_values_sql(rows, values)}", raw_record


def _create_lines(con: duckdb.DuckDBPyConnection, plan: _FilePlan, source: Path) -> None:
    """Number the physical lines once into a temp table: numbering is a sequential scan, so
    the parse that follows can then run on all threads.

    How lines are counted (``_source_line`` of rows, ``source_line`` of rejects): line 1 is
    the header; every line terminator (LF, CRLF or CR, whichever the file uses) ends a line;
    blank lines count but are no rows; and a record whose quoted field holds line breaks has
    the number of the line it starts on, so the next record's number skips its lines. These
    are the line numbers an editor shows."""
    ending = _line_ending(source)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_LINES} AS {_native_lines_sql(source)}")
        if _lines_add_up(con, source, ending):
            return
    except duckdb.InvalidInputException:
        pass  # mixed line endings or an over-long line: the strict reader refuses the file
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_LINES} AS {_text_lines_sql(source, ending)}")
    except duckdb.InvalidInputException as error:
        raise LoadError(f"{plan.rel}: cannot read the file as UTF-8 text: {error}") from error


def _line_ending(path: Path) -> bytes:
    """The file's line terminator as its first line shows it: CR-only when the first line
    ends at a CR with no LF in sight (classic Mac, some spreadsheet exports)."""
    with path.open("rb") as fh:
        first = fh.readline(_HEADER_MAX_BYTES)
    if b"\n" not in first and b"\r" in first:
        return b"\r"
    return b"\r\n" if first.endswith(b"\r\n") else b"\n"


def _lines_add_up(con: duckdb.DuckDBPyConnection, path: Path, ending: bytes) -> bool:
    """DuckDB's line reader is parallel and fast, but it silently drops a delimiter at the end
    of a line. Its lines are only trusted when their lengths and terminators add up to the
    file size; otherwise read_text splits the file."""
    row = con.execute(f"SELECT count(*), coalesce(sum(strlen(__line)), 0) FROM {_LINES}").fetchone()
    lines, chars = row if row else (0, 0)
    size = path.stat().st_size
    if size == 0:
        return lines == 0
    with path.open("rb") as fh:
        first = fh.read(len(codecs.BOM_UTF8))
        fh.seek(-1, os.SEEK_END)
        last = fh.read(1)
    bom = len(codecs.BOM_UTF8) if first == codecs.BOM_UTF8 else 0
    terminators = lines if last == ending[-1:] else lines - 1
    return bom + chars + len(ending) * terminators == size


def _native_lines_sql(path: Path) -> str:
    return (
        f"SELECT ordinality AS __line_no, coalesce(line, '') AS __line "
        f"FROM read_csv({_path_literal(path)}, "
        f"columns={{'line': 'VARCHAR'}}, header=false, auto_detect=false, "
        f"delim={_lit(_NO_DELIMITER)}, quote='', escape='', comment='') WITH ORDINALITY"
    )


def _text_lines_sql(path: Path, ending: bytes) -> str:
    split = "chr(13)" if ending == b"\r" else "chr(10)"
    return (
        "SELECT __line_no, rtrim(__line, chr(13)) AS __line FROM ("
        "SELECT generate_subscripts(__lines, 1) AS __line_no, unnest(__lines) AS __line "
        f"FROM (SELECT string_split(content, {split}) AS __lines "
        f"FROM read_text({_path_literal(path)})))"
    )


def _merge_quoted_line_breaks(con: duckdb.DuckDBPyConnection, field_count: int) -> None:
    """Make each record whose quoted fields hold line breaks one row of ``_LINES``, numbered
    as the line it starts on and joined with LF. A well-formed line has an even number of
    quotes, so such a record starts and ends on lines with an odd number: consecutive odd
    lines pair up when together they are a well-formed record of ``field_count`` fields with
    line breaks only inside quotes, at most ``_MAX_RECORD_LINES`` lines long. The pairing is
    greedy in line order and an odd line that pairs with neither neighbour stays a malformed
    line of its own, so a stray quote costs its line, never the rest of the file. A file
    without odd lines, nearly every file, pays one scan."""
    odd_lines = (
        f"SELECT __line_no FROM {_LINES} WHERE __line_no > 1 AND contains(__line, '\"') "
        "AND (strlen(__line) - strlen(replace(__line, '\"', ''))) % 2 = 1"
    )
    pairs = con.execute(
        "SELECT list(a ORDER BY a), list(b ORDER BY a) FROM (SELECT __line_no AS a, "
        f"lead(__line_no) OVER (ORDER BY __line_no) AS b FROM ({odd_lines})) "
        f"WHERE b - a < {_MAX_RECORD_LINES}"
    ).fetchone()
    if not pairs or not pairs[0]:
        return  # the join below would scan every line even for no pairs
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_SPANS} AS SELECT p.a, p.b, "
        "string_agg(l.__line, chr(10) ORDER BY l.__line_no) AS __line "
        "FROM (SELECT unnest(?::BIGINT[]) AS a, unnest(?::BIGINT[]) AS b) p "
        f"JOIN {_LINES} l ON l.__line_no BETWEEN p.a AND p.b GROUP BY p.a, p.b",
        [pairs[0], pairs[1]],
    )
    well_formed = (
        f"regexp_full_match(__line, {_lit(_CSV_RECORD)}) "
        f"AND len({_csv_fields_sql('__line')}) = {field_count}"
    )
    candidates = con.execute(f"SELECT a, b, {well_formed} FROM {_SPANS} ORDER BY a").fetchall()
    chosen: list[int] = []
    end = 0
    for a, b, ok in candidates:
        if ok and a > end:
            chosen.append(a)
            end = b
    if not chosen:
        return
    con.execute(f"DELETE FROM {_SPANS} WHERE a NOT IN (SELECT unnest(?::BIGINT[]))", [chosen])
    con.execute(
        f"UPDATE {_LINES} SET __line = s.__line FROM {_SPANS} s WHERE {_LINES}.__line_no = s.a"
    )
    con.execute(
        f"DELETE FROM {_LINES} USING {_SPANS} s "
        f"WHERE {_LINES}.__line_no > s.a AND {_LINES}.__line_no <= s.b"
    )


def _csv_fields_sql(line: str) -> str:
    """The fields of a well-formed quoted line: in it the text between quotes alternates
    outside/inside, so the commas outside quotes are swapped for a separator and split on,
    which is ~4x faster than regexp_extract_all."""
    separator = _lit(_NO_DELIMITER)
    outside_commas = (
        f"list_transform(string_split({line}, '\"'), lambda part, i: CASE WHEN i % 2 = 1 "
        f"THEN replace(part, ',', {separator}) ELSE part END)"
    )
    return (
        f"list_transform(string_split(array_to_string({outside_commas}, '\"'), {separator}), "
        "lambda x: CASE WHEN starts_with(x, '\"') THEN replace(x[2:-2], '\"\"', '\"') "
        "ELSE x END)"
    )


def _csv_source_sql(lines_sql: str) -> str:
    """Split each line into fields; a NULL field list marks a line whose quoting is broken.
    Lines without quotes (the vast majority) take the cheap string_split path."""
    fields = (
        "CASE WHEN NOT contains(__line, '\"') THEN string_split(__line, ',') "
        f"WHEN regexp_full_match(__line, {_lit(_CSV_LINE)}) THEN {_csv_fields_sql('__line')} END"
    )
    return (
        f"SELECT __line_no, __line, {fields} AS __f FROM ({lines_sql}) "
        "WHERE __line_no > 1 AND __line <> ''"
    )


def _parquet_source_sql(path: Path) -> str:
    return (
        "SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line_no "
        f"FROM read_parquet({_path_literal(path)}, file_row_number=true)"
    )


_GZIP_ERRORS = (OSError, EOFError, zlib.error)


def _csv_header(path: Path, rel: str) -> list[str]:
    try:
        with (gzip.open if path.name.lower().endswith(".gz") else open)(path, "rb") as fh:
            first = fh.readline(_HEADER_MAX_BYTES)
    except _GZIP_ERRORS as error:
        raise LoadError(f"{rel}: cannot read the file: {error}") from error
    if b"\n" not in first and b"\r" in first:
        first = first.split(b"\r", 1)[0]  # CR-only line endings
    try:
        text = first.rstrip(b"\r\n").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(f"{rel}: header is not UTF-8: {error}") from error
    try:
        return next(csv.reader([text]), [])
    except csv.Error as error:
        raise LoadError(f"{rel}: cannot parse the header line: {error}") from error


def _check_gzip(path: Path, rel: str) -> None:
    """Decompress to nowhere, so that a truncated or corrupt .gz stops the run before any file
    loads: a gzip stream shows its damage only at the end."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(_GZIP_CHUNK):
                pass
    except _GZIP_ERRORS as error:
        raise LoadError(f"{rel}: not a complete gzip file: {error}") from error


def _decompress(plan: _FilePlan, target: Path) -> Path:
    try:
        with gzip.open(plan.path, "rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, _GZIP_CHUNK)
    except _GZIP_ERRORS as error:
        raise LoadError(f"{plan.rel}: not a complete gzip file: {error}") from error
    return target


def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path, rel: str) -> list[tuple[str, str]]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_path_literal(path)})").fetchall()
    except duckdb.Error as error:
        raise LoadError(f"{rel}: cannot read the file as Parquet: {error}") from error
    return [(row[0], row[1]) for row in rows]


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _rel(path: Path, landing_dir: Path) -> str:
    return path.relative_to(landing_dir).as_posix()


def _count(result: duckdb.DuckDBPyConnection) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _path_literal(path: Path) -> str:
    # DuckDB treats file arguments as glob patterns; bracket the glob characters so a file
    # named 'x*.csv' reads only itself.
    escaped = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in str(path))
    return _lit(escaped)
