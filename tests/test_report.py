"""The tables printed by `make run`: totals and rates come from the rows given."""

from __future__ import annotations

from orchestration.report import format_conversion, format_funnel, format_speed


def _line(text: str, first: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split()[:1] == [first])


def test_funnel_table_totals_and_rates() -> None:
    rows = [("paid_search", 10, 2, 1, 1, 0), ("referral", 30, 3, 2, 1, 1)]
    text = format_funnel(rows)
    leads, mqls = 10 + 30, 2 + 3
    assert _line(text, "all") == [
        "all",
        str(leads),
        str(mqls),
        f"{mqls / leads:.1%}",
        "3",
        "2",
        "1",
    ]
    assert _line(text, "paid_search")[3] == f"{2 / 10:.1%}"


def test_conversion_table_shows_band_and_flag() -> None:
    rows = [("event", 40, 18, 0.45, 0.30, 0.50, "healthy", 12.5, 80.0)]
    line = _line(format_conversion(rows), "event")
    assert line[:5] == ["event", "40", "18", "45.0%", "30%-50%"]
    assert "healthy" in line and "$80" in line


def test_speed_table_handles_missing_rates() -> None:
    text = format_speed([("<=4h", 100, 0.3, 1.0), ("never", 5, None, None)])
    assert _line(text, "never") == ["never", "5", "-", "-"]
    assert _line(text, "<=4h")[-1] == "1.00x"


def test_build_summary_separates_errors_from_warnings() -> None:
    from types import SimpleNamespace

    from dagster import AssetCheckSeverity

    from orchestration.build import summarise

    def check(name: str, passed: bool, severity: AssetCheckSeverity) -> SimpleNamespace:
        data = SimpleNamespace(check_name=name, passed=passed, severity=severity)
        return SimpleNamespace(event_type_value="ASSET_CHECK_EVALUATION", event_specific_data=data)

    events = [
        SimpleNamespace(event_type_value="ASSET_MATERIALIZATION"),
        check("unique_x", True, AssetCheckSeverity.ERROR),
        check("band", False, AssetCheckSeverity.WARN),
        check("chain", False, AssetCheckSeverity.ERROR),
    ]
    line = summarise(SimpleNamespace(all_events=events))
    assert line == "1 assets materialised, 1 checks passed, 1 failed (chain), 1 warned (band)"
