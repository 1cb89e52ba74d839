"""Stand-ins for dbt's jinja context, for sqlfluff's jinja templater.

`make lint` runs sqlfluff with the jinja templater: fast and without a database, but it only
knows ref/source/var/config. Our macros also call dbt's cross-database macros (`dbt.hash`,
`dbt.concat`, ...), `adapter.dispatch`, `api.Column` and `execute`. These objects render
plausible DuckDB SQL for them so that every model templates and parses; what the linter checks
is the SQL written in the models, not these renderings. sqlfluff exposes this package's public
names as jinja globals (`library_path` in .sqlfluff).
"""

from collections.abc import Callable

# Parse-time behaviour: macros that read seeds with run_query take their "not executing" branch.
execute = False


def _render(name: str) -> Callable[..., str]:
    """A function that renders `name(arg, ...)`, flattening list arguments."""

    def render(*args: object, **kwargs: object) -> str:
        parts: list[str] = []
        for arg in [*args, *kwargs.values()]:
            if isinstance(arg, (list, tuple)):
                parts.extend(str(item) for item in arg)
            elif arg is not None:
                parts.append(str(arg))
        return f"{name}({', '.join(parts)})"

    return render


class _DbtNamespace:
    """dbt's `dbt.<macro>` cross-database macros, rendered as DuckDB-like SQL."""

    _types = {
        "type_string": "varchar",
        "type_timestamp": "timestamp",
        "type_bigint": "bigint",
        "type_int": "integer",
        "type_float": "double",
        "type_numeric": "numeric",
        "type_boolean": "boolean",
    }

    def __getattr__(self, name: str) -> Callable[..., str]:
        if name in self._types:
            sql_type = self._types[name]
            return lambda *args, **kwargs: sql_type
        return _render(name)

    @staticmethod
    def cast(field: str, sql_type: str) -> str:
        return f"cast({field} as {sql_type})"

    @staticmethod
    def safe_cast(field: str, sql_type: str) -> str:
        return f"try_cast({field} as {sql_type})"

    @staticmethod
    def concat(fields: list[str]) -> str:
        return f"concat({', '.join(str(field) for field in fields)})"

    @staticmethod
    def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
        return f"date_add('{datepart}', {interval}, {from_date_or_timestamp})"

    @staticmethod
    def datediff(first_date: str, second_date: str, datepart: str) -> str:
        return f"date_diff('{datepart}', {first_date}, {second_date})"

    @staticmethod
    def listagg(
        measure: str,
        delimiter_text: str = "','",
        order_by_clause: str | None = None,
        limit_num: int | None = None,
    ) -> str:
        return f"string_agg({measure}, {delimiter_text} {order_by_clause or ''})"

    @staticmethod
    def current_timestamp() -> str:
        return "current_timestamp"


class _Adapter:
    """`adapter.dispatch(name, package)` returns a macro; here it renders `name(args)`."""

    @staticmethod
    def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
        return _render(macro_name)

    @staticmethod
    def quote(identifier: str) -> str:
        return f'"{identifier}"'


class _Column:
    """`api.Column.translate_type(name)`: the DuckDB name of a generic type."""

    _types = {"string": "varchar", "float": "double", "integer": "integer", "int": "integer"}

    @classmethod
    def translate_type(cls, dtype: str) -> str:
        return cls._types.get(dtype.lower(), dtype)


class _Api:
    """dbt's `api` namespace (only `api.Column`)."""

    Column = _Column


class _Target:
    """dbt's `target`: the lint target of profiles.yml."""

    name = "lint"
    type = "duckdb"
    schema = "main"
    database = "memory"
    threads = 1


dbt = _DbtNamespace()
adapter = _Adapter()
api = _Api()
target = _Target()


def env_var(name: str, default: str = "") -> str:
    """dbt's env_var: the default (the lint renders the project as configured out of the box)."""
    return default


class _Exceptions:
    """dbt's `exceptions`: the lint renders both branches of an `if`, so a raise renders empty."""

    @staticmethod
    def raise_compiler_error(message: str) -> str:
        return ""


exceptions = _Exceptions()
