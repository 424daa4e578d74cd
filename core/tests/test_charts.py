"""The one chart helper (core.charts and {% chart %}): geometry, scale, axes, tooltips, the table,
empty data, and no hard-coded colour."""

import re

from django.template import Context, Template

from core import charts
from core.charts import Box, Series

BOX = Box(width=120, height=70, left=10, right=10, top=10, bottom=10)


def render(chart: charts.Chart, *args: str) -> str:
    return Template("{% load charts %}{% chart c " + " ".join(args) + " %}").render(Context({"c": chart}))


def test_a_line_chart_places_points_and_stops_a_line_at_its_first_gap() -> None:
    chart = charts.line_chart(
        title="T",
        labels=["a", "b", "c"],
        series=[Series("up", "Up", [0, 5, 10]), Series("gap", "Gap", [10, None, 0])],
        x_label="Day",
        y_label="Points",
        box=BOX,
    )
    up, gap = chart.lines
    assert up["points"] == "10.0,60.0 60.0,35.0 110.0,10.0"
    assert gap["points"] == "10.0,10.0"
    assert [t["label"] for t in chart.y_ticks] == ["0", "5", "10"]
    assert [t["label"] for t in chart.x_ticks] == ["a", "b", "c"]


def test_the_scale_is_a_round_step_from_zero_and_holds_the_highest_value() -> None:
    assert charts.y_scale([0, 7]) == (2.0, 8.0)
    assert charts.y_scale([0, 130]) == (50.0, 150.0)
    assert charts.y_scale([0.3]) == (0.1, 0.3)
    assert charts.y_scale([40], y_max=100) == (50.0, 100.0)
    assert charts.y_scale([]) == (0.5, 1.0)  # no data: an axis from 0 to 1


def test_at_most_eight_x_labels() -> None:
    chart = charts.line_chart(
        title="T", labels=[str(i) for i in range(30)], series=[Series("flat", "F", [0] * 30)], x_label="", y_label=""
    )
    assert len(chart.x_ticks) <= 8


def test_a_bar_chart_sets_bars_side_by_side_and_skips_missing_values() -> None:
    chart = charts.bar_chart(
        title="T",
        labels=["S1", "S2"],
        series=[Series("committed", "C", [10, 5], reference=True), Series("completed", "D", [5, None])],
        x_label="Sprint",
        y_label="Points",
        box=BOX,
    )
    # Two slots of 50 px; two bars of 20 px each, side by side after a 5 px margin.
    assert [(b["name"], b["x"], b["y"], b["width"], b["height"]) for b in chart.bars] == [
        ("committed", 15.0, 10.0, 20.0, 50.0),
        ("committed", 65.0, 35.0, 20.0, 25.0),
        ("completed", 35.0, 35.0, 20.0, 25.0),
    ]
    assert [t["x"] for t in chart.x_ticks] == [35.0, 85.0]


def test_the_drawing_names_itself_labels_its_axes_and_gives_each_point_a_tooltip_and_a_table_row() -> None:
    chart = charts.line_chart(
        title="Burndown",
        labels=["03-02", "03-03"],
        series=[Series("remaining", "Remaining", [1200, 600])],
        x_label="Day",
        y_label="Remaining",
        unit="points",
    )
    html = render(chart, '"burndown"')
    assert 'role="img" aria-labelledby="burndown-title burndown-desc"' in html
    assert '<title id="burndown-title">Burndown</title>' in html
    assert '<desc id="burndown-desc">Remaining: 600 points</desc>' in html
    assert ">Day</text>" in html and ">Remaining (points)</text>" in html
    assert "<title>Remaining · 03-02: 1,200 points</title>" in html
    assert '<th scope="col">Remaining (points)</th>' in html
    assert '<th scope="row">03-03</th><td>600</td>' in html
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|style=", html)  # colours come from the theme's CSS


def test_empty_data_says_so_and_draws_no_line() -> None:
    chart = charts.line_chart(title="T", labels=[], series=[Series("s", "S", [])], x_label="X", y_label="Y")
    assert chart.empty
    html = render(chart, '"c"', "table=False")
    assert "No data yet." in html and "<polyline" not in html and "<table" not in html
    assert [t["label"] for t in chart.y_ticks] == ["0", "0.5", "1"]


def test_the_id_is_joined_from_its_parts() -> None:
    chart = charts.bar_chart(title="T", labels=["a"], series=[Series("s", "S", [1])], x_label="X", y_label="Y")
    assert 'id="chart-12"' in render(chart, '"chart"', "12")


def test_numbers_read_as_written() -> None:
    assert [charts.number_text(v) for v in (None, 3, 2.5, 1200.0, 1 / 3)] == ["—", "3", "2.5", "1,200", "0.33"]
