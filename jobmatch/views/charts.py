"""Charts as inline SVG drawn on the server: readable without JavaScript, printable."""

from markupsafe import Markup, escape

BAR_COLOUR, WARN_COLOUR, GRID_COLOUR = "#0b6e4f", "#b42318", "#d9e2ec"
NO_DATA = "无数据"


def horizontal_bars(bars: list[tuple[str, float | None]], *, title: str, warn_below: float = 0.9) -> Markup:
    """One bar per label, values 0..1 shown as percentages; bars under ``warn_below`` in red."""
    label_width, bar_width, row_height = 150, 200, 30
    width, height = label_width + bar_width + 70, row_height * len(bars) + 10
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for index, (label, value) in enumerate(bars):
        y = 5 + index * row_height
        parts.append(f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" font-size="14">'
                     f'{escape(_shorten(label, 10))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="20" fill="{GRID_COLOUR}"/>')
        if value is not None:
            colour = WARN_COLOUR if value < warn_below else BAR_COLOUR
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{bar_width * min(value, 1):.1f}" height="20" '
                         f'fill="{colour}"/>')
        text = f"{100 * value:.1f}%" if value is not None else "—"
        parts.append(f'<text x="{label_width + bar_width + 6}" y="{y + 19}" font-size="14">{text}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly_columns(points: list[tuple[str, float | None]], *, title: str, series: str = "就业率") -> Markup:
    """One column per month (label "2026-05"), values 0..1, with a 0-100% axis and a legend;
    a month without data (None) says so instead of drawing 0 %."""
    left, top, plot_height, column_step = 40, 10, 160, 44
    width, height = left + column_step * max(len(points), 1) + 10, top + plot_height + 62
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for tick in (0, 0.5, 1):
        y = top + plot_height * (1 - tick)
        parts.append(f'<line x1="{left}" x2="{width - 5}" y1="{y}" y2="{y}" stroke="{GRID_COLOUR}"/>'
                     f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" font-size="11">{int(tick * 100)}%</text>')
    for index, (label, value) in enumerate(points):
        x = left + 8 + index * column_step
        if value is not None:
            bar = plot_height * min(value, 1)
            parts.append(f'<rect x="{x}" y="{top + plot_height - bar:.1f}" width="28" height="{bar:.1f}" '
                         f'fill="{BAR_COLOUR}"><title>{escape(label)}: {100 * value:.1f}%</title></rect>')
        else:
            parts.append(f'<text x="{x + 14}" y="{top + plot_height - 6}" text-anchor="middle" font-size="10" '
                         f'fill="#555">{NO_DATA}</text>')
        parts.append(f'<text x="{x + 14}" y="{top + plot_height + 16}" text-anchor="middle" font-size="11">'
                     f'{escape(label[5:])}月</text>')
    legend_y = top + plot_height + 40
    parts.append(f'<rect x="{left}" y="{legend_y}" width="12" height="12" fill="{BAR_COLOUR}"/>'
                 f'<text x="{left + 16}" y="{legend_y + 11}" font-size="11">{escape(series)}（月末）</text>'
                 f'<text x="{left + 110}" y="{legend_y + 11}" font-size="11" fill="#555">{NO_DATA}：该月尚未建档</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
