"""`{% chart some_chart "an-id" %}`: a core.charts.Chart drawn as SVG, with its legend and, unless
`table=False`, the same figures as a table."""

from typing import Any

from django import template

from core.charts import Chart

register = template.Library()


@register.inclusion_tag("ui/chart.html")
def chart(chart: Chart, *id_parts: Any, table: bool = True) -> dict[str, Any]:
    """The figure's id is its parts joined by "-": `{% chart kr.chart "chart" kr.pk %}` → chart-12."""
    return {"chart": chart, "chart_id": "-".join(str(part) for part in id_parts), "with_table": table}
