"""`funnel`: the project's command-line tool (generate, load, build, report, run)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

from orchestration.settings import Settings

DEMO_LEADS = 20_000
DEMO_SEED = 42
AS_OF_HELP = (
    "score and cut the funnel at this moment (ISO 8601, UTC unless it has a zone; default: "
    "env FUNNEL_AS_OF, else the latest event in the data); later events are left out of every "
    "mart and counted in quality.rpt_events_after_as_of"
)
FULL_REFRESH_HELP = (
    "rebuild the incremental models from scratch (dbt --full-refresh) instead of recomputing "
    "only the leads that new data touched"
)


def cmd_generate(args: argparse.Namespace) -> int:
    from orchestration.generator import generate

    start = time.perf_counter()
    manifest = generate(
        args.leads,
        args.seed,
        Path(args.out),
        dirty=args.dirty,
        batches=args.batches,
        file_format=args.format,
        part_size=args.part_size,
        shape=args.shape,
    )
    rows = {table: count for table, count in manifest.get("rows", {}).items() if count}
    for system, tables in manifest.get("system_rows", {}).items():
        rows.update({f"{system}/{table}": count for table, count in tables.items() if count})
    print(
        f"generated {args.leads:,} leads ({args.shape} shape) into {args.out} in "
        f"{time.perf_counter() - start:.1f}s"
    )
    for table, count in sorted(rows.items()):
        print(f"  {table:<48}{count:>14,}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from orchestration.ingestion.loader import load_landing

    settings = Settings.from_env()
    report = load_landing(settings.landing_dir, settings.warehouse, systems=settings.sources)
    print(report.summary())
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from orchestration.ingestion.loader import not_loadable, not_loadable_warning
    from orchestration.runner.build import build_all, describe_as_of, summarise
    from orchestration.settings import resolve_as_of

    as_of = resolve_as_of(getattr(args, "as_of", None))  # a bad one: one line, before the build
    settings = Settings.from_env()
    start = time.perf_counter()
    # dbt's own progress lines go to a log file: the console gets the summary and any error.
    log = settings.dagster_home / "last_build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"building (dbt output in {log}) ...", flush=True)
    with log.open("w") as out, contextlib.redirect_stdout(out):
        result = build_all(
            settings,
            full_refresh=getattr(args, "full_refresh", False),
            as_of=as_of,
        )
    print(f"built every asset into {settings.warehouse} in {time.perf_counter() - start:.1f}s")
    print(summarise(result))
    print(describe_as_of(settings.warehouse))
    print(f"published the marts for readers to {settings.published}")
    unknown = not_loadable(settings.landing_dir)
    if unknown:
        print(not_loadable_warning(unknown))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from orchestration.serving.publish import NothingPublished
    from orchestration.serving.report import print_report

    # The published snapshot, never the build's file: a report works while a build runs.
    try:
        print_report(Settings.from_env().published)
    except NothingPublished as exc:
        print(f"funnel report: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    from orchestration.ingestion.loader import landing_has_files

    # Any delivery the loader takes counts (compressed, in a dated subfolder), so `funnel run`
    # never writes demo data into a landing zone that holds real files.
    if not landing_has_files(settings.landing_dir):
        print(f"no landing data in {settings.landing_dir}: generating the demo data set")
        # Through the parser, so every other option of `generate` keeps its default.
        cmd_generate(
            parser().parse_args(
                [
                    "generate",
                    "--leads",
                    str(args.leads),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(settings.landing_dir),
                ]
            )  # fmt: skip
        )
    cmd_build(args)
    return cmd_report(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="funnel", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write a realistic landing zone (deterministic per seed)")
    g.add_argument("--leads", type=int, default=DEMO_LEADS)
    g.add_argument("--seed", type=int, default=DEMO_SEED)
    g.add_argument("--out", default=str(Settings.from_env().landing_dir))
    g.add_argument("--dirty", action="store_true", help="inject bad rows of every kind")
    g.add_argument("--batches", type=int, default=1, help="split into K daily landing batches")
    g.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    g.add_argument(
        "--shape",
        choices=("landing", "salesforce", "marketo", "salesforce+marketo", "hubspot"),
        default="landing",
        help="where the world is written: the landing contract (default), or the raw tables of "
        "Salesforce and/or Marketo, or of HubSpot, as their connectors land them, with only what "
        "those cannot carry on the landing contract (docs/sources.md)",
    )
    g.add_argument(
        "--part-size",
        type=int,
        default=1_000_000,
        help="more leads than this are made in parts of this many (about 2.5 GiB of memory per "
        "million leads in a part); up to it the output is one part",
    )
    g.set_defaults(func=cmd_generate)

    sub.add_parser("load", help="load new landing files into raw").set_defaults(func=cmd_load)
    b = sub.add_parser("build", help="load and build every asset through Dagster")
    b.add_argument("--full-refresh", action="store_true", help=FULL_REFRESH_HELP)
    b.add_argument("--as-of", help=AS_OF_HELP)
    b.set_defaults(func=cmd_build)
    sub.add_parser("report", help="print the funnel by channel").set_defaults(func=cmd_report)

    r = sub.add_parser("run", help="generate demo data if none, build, print the funnel")
    r.add_argument("--leads", type=int, default=DEMO_LEADS)
    r.add_argument("--seed", type=int, default=DEMO_SEED)
    r.add_argument("--full-refresh", action="store_true", help=FULL_REFRESH_HELP)
    r.add_argument("--as-of", help=AS_OF_HELP)
    r.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a clear one-line error for the user; tracebacks with FUNNEL_DEBUG
        import os

        if os.environ.get("FUNNEL_DEBUG"):
            raise
        print(f"funnel {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
