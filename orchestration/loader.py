"""Load landing files into the ``raw`` schema of the DuckDB warehouse.

Landing files are immutable deliveries: the manifest (``raw._load_manifest``) remembers each
file's sha256 so a re-run loads only new files, and a file that changed after it was loaded is
an error rather than a silent reload. Every file loads in one transaction with its manifest row
and its rejects, so a crash never leaves a half-loaded file behind.

Nothing is dropped silently: a row either lands in ``raw.<table>`` or in ``raw._load_rejects``
with its file, line and a reason. CSV files are therefore split into physical lines by DuckDB
and parsed in SQL (instead of DuckDB's CSV reader), because the CSV reader cannot report the
line number of the rows it accepts, and an unterminated quote there swallows the following
lines. The contract promises no embedded newlines, so one physical line is one record.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.contract import RAW_SCHEMA, TABLES, Column, Table

MEMORY_LIMIT_ENV = "FUNNEL_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "FUNNEL_DUCKDB_THREADS"
DEFAULT_MEMORY_LIMIT = "8GB"
DEFAULT_THREADS = 2

REJECTS_TABLE = f"{RAW_SCHEMA}._load_rejects"
MANIFEST_TABLE = f"{RAW_SCHEMA}._load_manifest"
FILE_FORMATS = {".csv": "csv", ".parquet": "parquet"}
RAW_RECORD_MAX_CHARS = 1000
_REASON_VALUE_MAX_CHARS = 200
_LINES = "__funnel_load_lines"

# A delimiter that never occurs in text, so DuckDB's CSV reader hands back whole lines (should
# it occur anyway, _lines_add_up notices and read_text splits the file instead).
_NO_DELIMITER = "\x1f\x1e\x1d\x1c"

# A well-formed line under RFC 4180: a field is either quoted ("" escapes a quote) or free of
# quotes. That strictness lets a valid line be split by quote parity instead of by regex.
_CSV_FIELD = r'(?:"(?:[^"]|"")*"|[^,"]*)'
_CSV_LINE = rf"{_CSV_FIELD}(?:,{_CSV_FIELD})*"

# The accepted text shapes per type, checked before the cast because DuckDB's casts are more
# lenient than the contract: '1.5' casts to BIGINT 2, and a '+02:00' offset is ignored.
_TEXT_PATTERNS = {
    "BIGINT": r"[+-]?[0-9]+",
    "DOUBLE": r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
    "DATE": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "TIMESTAMP": (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|\+00:00)?"
    ),
}
_TRUE_TEXTS = ("true", "t", "1", "yes")
_FALSE_TEXTS = ("false", "f", "0", "no")
_FLOATING_TYPES = ("FLOAT", "DOUBLE", "DECIMAL")


class LoadError(Exception):
    """A landing file cannot be loaded as delivered: the fix belongs to the file, not the run."""


class LandingFileChangedError(LoadError):
    """A file already loaded has different bytes now; reloading it would double-count rows."""


class MissingColumnError(LoadError):
    """A file lacks a required contract column, so none of its rows can be trusted."""


@dataclass(frozen=True)
class FileLoadResult:
    """One file's outcome. For a loaded file rows_in == rows_loaded + rows_rejected; a skipped
    file (already in the manifest) counts no rows, so totals describe this run only."""

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


@dataclass
class TableLoadReport:
    """The files of one table, so a per-table Dagster asset can report its own outcome."""

    table: str
    files: list[FileLoadResult] = field(default_factory=list)

    @property
    def files_loaded(self) -> int:
        return sum(not f.skipped for f in self.files)

    @property
    def files_skipped(self) -> int:
        return sum(f.skipped for f in self.files)

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
        return (
            f"{self.table}: {self.files_loaded} file(s) loaded, {self.files_skipped} skipped, "
            f"{self.rows_loaded:,} rows loaded, {self.rows_rejected:,} rejected"
        )


@dataclass
class LoadReport:
    """A whole landing run; unknown folders are listed because a misspelt folder would
    otherwise be ignored without anyone noticing."""

    tables: list[TableLoadReport] = field(default_factory=list)
    unknown_folders: list[str] = field(default_factory=list)

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
    def rows_in(self) -> int:
        return sum(t.rows_in for t in self.tables)

    @property
    def rows_loaded(self) -> int:
        return sum(t.rows_loaded for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        return sum(t.rows_rejected for t in self.tables)

    def summary(self) -> str:
        lines = [
            f"{self.files_loaded} file(s) loaded, {self.files_skipped} skipped, "
            f"{self.rows_loaded:,} rows loaded, {self.rows_rejected:,} rejected"
        ]
        lines += [f"  {t.summary()}" for t in self.tables if t.files]
        if self.unknown_folders:
            lines.append(f"  ignored unknown folders: {', '.join(self.unknown_folders)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _FilePlan:
    """What a file needs to load, worked out before any file loads so a bad delivery fails
    the run up front instead of half way."""

    path: Path
    rel: str
    table: Table
    file_format: str
    checksum: str
    size: int
    columns: dict[str, tuple[int, str, str]]  # contract column -> (position, name, type)
    field_count: int
    extra_columns: tuple[str, ...]
    missing_optional_columns: tuple[str, ...]
    all_columns: tuple[str, ...]


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


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table up front so dbt sources exist before the first file arrives."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    for table in TABLES.values():
        columns = ", ".join(f"{_ident(c.name)} {c.type}" for c in table.columns)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{_ident(table.name)} ({columns}, "
            "_source_file VARCHAR, _source_line BIGINT, _loaded_at TIMESTAMP)"
        )
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {REJECTS_TABLE} (table_name VARCHAR, source_file VARCHAR, "
        "source_line BIGINT, reason VARCHAR, raw_record VARCHAR, loaded_at TIMESTAMP)"
    )
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} (source_file VARCHAR PRIMARY KEY, "
        "table_name VARCHAR, checksum VARCHAR, file_format VARCHAR, file_size BIGINT, "
        "rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, loaded_at TIMESTAMP, "
        "load_seconds DOUBLE)"
    )


def load_landing(
    landing_dir: Path,
    warehouse: Path,
    *,
    tables: Iterable[str] | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> LoadReport:
    """Load every new landing file, in sorted path order. All files are checked before the
    first one loads, so a changed file or a missing column stops the run before it has loaded
    anything."""
    if not landing_dir.is_dir():
        raise FileNotFoundError(f"landing directory {landing_dir} does not exist")
    names = sorted(TABLES if tables is None else set(tables))
    unknown = sorted(set(names) - set(TABLES))
    if unknown:
        raise ValueError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(TABLES)}")
    with connect(warehouse, memory_limit=memory_limit, threads=threads) as con:
        ensure_raw_schema(con)
        plans = {name: _plan_table(con, landing_dir, name) for name in names}
        reports = [_load_plans(con, name, plans[name]) for name in names]
    folders = sorted(
        p.name
        for p in landing_dir.iterdir()
        if p.is_dir() and p.name not in TABLES and not p.name.startswith(".")
    )
    return LoadReport(tables=reports, unknown_folders=folders)


def load_table(con: duckdb.DuckDBPyConnection, landing_dir: Path, table: str) -> TableLoadReport:
    """Load the new files of one table (one Dagster asset); checks all of them first."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    ensure_raw_schema(con)
    return _load_plans(con, table, _plan_table(con, landing_dir, table))


def pending_files(landing_dir: Path, warehouse: Path) -> dict[str, list[Path]]:
    """New files per table (tables without any are left out), for a sensor to poll cheaply:
    files are matched by name only, so nothing is hashed and the warehouse is never locked
    for writing. A changed file is not pending; the load reports it."""
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
    pending = {
        table: [p for p in _landing_files(landing_dir, table) if _rel(p, landing_dir) not in known]
        for table in TABLES
    }
    return {table: files for table, files in pending.items() if files}


def _landing_files(landing_dir: Path, table: str) -> list[Path]:
    # Dot-files are skipped because writers use them for deliveries still in progress.
    folder = landing_dir / table
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in FILE_FORMATS
    )


def _plan_table(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, table: str
) -> list[_FilePlan | FileLoadResult]:
    loaded = dict(
        con.execute(
            f"SELECT source_file, checksum FROM {MANIFEST_TABLE} WHERE table_name = ?", [table]
        ).fetchall()
    )
    plans: list[_FilePlan | FileLoadResult] = []
    for path in _landing_files(landing_dir, table):
        rel = _rel(path, landing_dir)
        file_format = FILE_FORMATS[path.suffix.lower()]
        checksum = _sha256(path)
        if rel in loaded:
            if loaded[rel] != checksum:
                raise LandingFileChangedError(
                    f"{rel} changed after it was loaded (sha256 was {loaded[rel]}, is now "
                    f"{checksum}); landing files are immutable, deliver changes as a new file"
                )
            plans.append(FileLoadResult(rel, table, file_format, skipped=True))
            continue
        if file_format == "csv":
            header = _csv_header(path, rel)
            file_columns = [(name, "VARCHAR") for name in header]
        else:
            file_columns = _parquet_columns(con, path)
        plans.append(_match_columns(path, rel, TABLES[table], file_format, checksum, file_columns))
    return plans


def _match_columns(
    path: Path,
    rel: str,
    table: Table,
    file_format: str,
    checksum: str,
    file_columns: list[tuple[str, str]],
) -> _FilePlan:
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
        table=table,
        file_format=file_format,
        checksum=checksum,
        size=path.stat().st_size,
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


def _load_file(con: duckdb.DuckDBPyConnection, plan: _FilePlan) -> FileLoadResult:
    started = time.perf_counter()
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    columns = plan.table.columns
    insert_columns = ", ".join(
        [_ident(c.name) for c in columns] + ["_source_file", "_source_line", "_loaded_at"]
    )
    outputs = ", ".join(f"__v{i} AS {_ident(c.name)}" for i, c in enumerate(columns))
    try:
        rows_sql, raw_record = _rows_sql(con, plan)
        con.execute("BEGIN TRANSACTION")
        try:
            rows_loaded = _count(
                con.execute(
                    f"INSERT INTO {RAW_SCHEMA}.{_ident(plan.table.name)} ({insert_columns}) "
                    f"SELECT {outputs}, ?, __line_no, ? FROM ({rows_sql}) WHERE __reason IS NULL",
                    [plan.rel, loaded_at],
                )
            )
            rows_in = _rows_in(con, plan)
            rows_rejected = 0
            if raw_record and rows_loaded < rows_in:  # a clean file is parsed only once
                rows_rejected = _count(
                    con.execute(
                        f"INSERT INTO {REJECTS_TABLE} SELECT ?, ?, __line_no, __reason, "
                        f"left({raw_record}, {RAW_RECORD_MAX_CHARS}), ? FROM ({rows_sql}) "
                        "WHERE __reason IS NOT NULL",
                        [plan.table.name, plan.rel, loaded_at],
                    )
                )
            if rows_in != rows_loaded + rows_rejected:
                raise LoadError(
                    f"{plan.rel}: {rows_in} rows in but {rows_loaded} loaded and "
                    f"{rows_rejected} rejected; refusing to drop rows silently"
                )
            seconds = time.perf_counter() - started
            con.execute(
                f"INSERT INTO {MANIFEST_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    plan.rel,
                    plan.table.name,
                    plan.checksum,
                    plan.file_format,
                    plan.size,
                    rows_in,
                    rows_loaded,
                    rows_rejected,
                    loaded_at,
                    seconds,
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_LINES}")
    return FileLoadResult(
        file=plan.rel,
        table=plan.table.name,
        file_format=plan.file_format,
        rows_in=rows_in,
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
        extra_columns=plan.extra_columns,
        missing_optional_columns=plan.missing_optional_columns,
        seconds=seconds,
    )


def _rows_in(con: duckdb.DuckDBPyConnection, plan: _FilePlan) -> int:
    # Parquet is counted from its footer, independently of what the load queries saw.
    if plan.file_format == "parquet":
        sql = f"SELECT num_rows FROM parquet_file_metadata({_path_literal(plan.path)})"
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
            return f"nullif({source}, '')", s, False
        return f"nullif(trim({source}), '')", _parse_text_sql(s, column.type), True
    if source_type == column.type:
        return source, s, False
    if source_type == "TIMESTAMP WITH TIME ZONE" and column.type == "TIMESTAMP":
        return source, f"timezone('UTC', {s})", False
    if column.type == "BIGINT" and source_type.startswith(_FLOATING_TYPES):
        return source, f"CASE WHEN {s} = trunc({s}) THEN try_cast({s} AS BIGINT) END", True
    return source, f"try_cast({s} AS {column.type})", True


def _parse_text_sql(text: str, type_: str) -> str:
    if type_ == "BOOLEAN":
        return (
            f"CASE WHEN lower({text}) IN {_TRUE_TEXTS} THEN true "
            f"WHEN lower({text}) IN {_FALSE_TEXTS} THEN false END"
        )
    pattern = _lit(_TEXT_PATTERNS[type_])
    return f"CASE WHEN regexp_full_match({text}, {pattern}) THEN try_cast({text} AS {type_}) END"


def _values_sql(source_sql: str, values: list[tuple[str, str, bool]]) -> str:
    texts = ", ".join(f"{text} AS __s{i}" for i, (text, _, _) in enumerate(values))
    typed = ", ".join(f"{value} AS __v{i}" for i, (_, value, _) in enumerate(values))
    return f"(SELECT *, {typed} FROM (SELECT *, {texts} FROM ({source_sql})))"


def _rows_sql(con: duckdb.DuckDBPyConnection, plan: _FilePlan) -> tuple[str, str | None]:
    """The file's rows with typed values ``__v{i}``, ``__line_no`` and the reject ``__reason``,
    plus the raw-record expression for rejects (None when no row can be rejected, as for a
    parquet file of contract types). Good rows and rejects are separate parallel passes over
    this query: that needs less memory than materialising every parsed row, and the rejects
    pass only runs when rows are missing from the good ones."""
    values = [_value_sql(plan, i, c) for i, c in enumerate(plan.table.columns)]
    problems = [
        f"CASE WHEN __s{i} IS NOT NULL AND __v{i} IS NULL THEN "
        f"{_lit(column.name + ': cannot parse ' + chr(39))} || "
        f"left(CAST(__s{i} AS VARCHAR), {_REASON_VALUE_MAX_CHARS}) || "
        f"{_lit(chr(39) + ' as ' + column.type)} END"
        for i, (column, (_, _, checked)) in enumerate(zip(plan.table.columns, values, strict=True))
        if checked
    ]
    value_reason = f"nullif(concat_ws('; ', {', '.join(problems)}), '')" if problems else "NULL"
    if plan.file_format == "csv":
        _create_lines(con, plan)
        source = _csv_source_sql(f"SELECT * FROM {_LINES}")
        reason = (
            "CASE WHEN __f IS NULL THEN 'malformed CSV line: unterminated or misplaced quote' "
            f"WHEN len(__f) <> {plan.field_count} THEN 'malformed CSV line: expected "
            f"{plan.field_count} fields, found ' || len(__f) ELSE {value_reason} END"
        )
        raw_record: str | None = "__line"
    else:
        source = _parquet_source_sql(plan)
        reason = value_reason
        pairs = ", ".join(f"{_lit(name)}: {_ident(name)}" for name in plan.all_columns)
        raw_record = f"CAST({{{pairs}}} AS VARCHAR)" if problems else None
    return f"SELECT *, {reason} AS __reason FROM {_values_sql(source, values)}", raw_record


def _create_lines(con: duckdb.DuckDBPyConnection, plan: _FilePlan) -> None:
    """Number the physical lines once into a temp table: numbering is a sequential scan, so
    the parse that follows can then run on all threads."""
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_LINES} AS {_native_lines_sql(plan.path)}")
        if _lines_add_up(con, plan.path, plan.size):
            return
    except duckdb.InvalidInputException:
        pass  # mixed line endings or an over-long line: the strict reader refuses the file
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_LINES} AS {_text_lines_sql(plan.path)}")
    except duckdb.InvalidInputException as error:
        raise LoadError(f"{plan.rel}: cannot read the file as UTF-8 text: {error}") from error


def _lines_add_up(con: duckdb.DuckDBPyConnection, path: Path, size: int) -> bool:
    """DuckDB's line reader is parallel and fast, but it silently drops a delimiter at the end
    of a line. Its lines are only trusted when their lengths and terminators add up to the
    file size; otherwise read_text splits the file."""
    row = con.execute(f"SELECT count(*), coalesce(sum(strlen(__line)), 0) FROM {_LINES}").fetchone()
    lines, chars = row if row else (0, 0)
    with path.open("rb") as fh:
        first = fh.readline()
        fh.seek(-1, os.SEEK_END)
        last = fh.read(1)
    bom = len(codecs.BOM_UTF8) if first.startswith(codecs.BOM_UTF8) else 0
    newline = 2 if first.endswith(b"\r\n") else 1
    terminators = lines if last == b"\n" else lines - 1
    return bom + chars + newline * terminators == size


def _native_lines_sql(path: Path) -> str:
    return (
        f"SELECT ordinality AS __line_no, line AS __line FROM read_csv({_path_literal(path)}, "
        f"columns={{'line': 'VARCHAR'}}, header=false, auto_detect=false, "
        f"delim={_lit(_NO_DELIMITER)}, quote='', escape='', comment='') WITH ORDINALITY"
    )


def _text_lines_sql(path: Path) -> str:
    return (
        "SELECT __line_no, rtrim(__line, chr(13)) AS __line FROM ("
        "SELECT generate_subscripts(__lines, 1) AS __line_no, unnest(__lines) AS __line "
        f"FROM (SELECT string_split(content, chr(10)) AS __lines "
        f"FROM read_text({_path_literal(path)})))"
    )


def _csv_source_sql(lines_sql: str) -> str:
    """Split each line into fields; a NULL field list marks a line whose quoting is broken.
    Lines without quotes (the vast majority) take the cheap string_split path. In a valid
    quoted line the text between quotes alternates outside/inside, so the commas outside
    quotes are swapped for a separator and split on, which is ~4x faster than
    regexp_extract_all."""
    separator = _lit(_NO_DELIMITER)
    outside_commas = (
        "list_transform(string_split(__line, '\"'), lambda part, i: CASE WHEN i % 2 = 1 "
        f"THEN replace(part, ',', {separator}) ELSE part END)"
    )
    fields = (
        "CASE WHEN NOT contains(__line, '\"') THEN string_split(__line, ',') "
        f"WHEN regexp_full_match(__line, {_lit(_CSV_LINE)}) THEN list_transform("
        f"string_split(array_to_string({outside_commas}, '\"'), {separator}), "
        "lambda x: CASE WHEN starts_with(x, '\"') THEN replace(x[2:-2], '\"\"', '\"') "
        "ELSE x END) END"
    )
    return (
        f"SELECT __line_no, __line, {fields} AS __f FROM ({lines_sql}) "
        "WHERE __line_no > 1 AND __line <> ''"
    )


def _parquet_source_sql(plan: _FilePlan) -> str:
    return (
        "SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line_no "
        f"FROM read_parquet({_path_literal(plan.path)}, file_row_number=true)"
    )


def _csv_header(path: Path, rel: str) -> list[str]:
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        text = first.rstrip(b"\r\n").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(f"{rel}: header is not UTF-8: {error}") from error
    return next(csv.reader([text]), [])


def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[str, str]]:
    rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_path_literal(path)})").fetchall()
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
