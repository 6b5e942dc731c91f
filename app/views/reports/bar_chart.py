"""A bar chart of money for the reports (QtCharts, from PySide6-Addons): one bar per category, the
value axis always showing zero, its ticks at round amounts labelled in the practice's currency and
locale ('$12.5K'). Bars may each have their own colour (the ageing buckets) or share one. Category
labels that do not fit side by side turn upright rather than being cut to '...'."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QCategoryAxis, QChart, QChartView, QStackedBarSeries
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

BAR = QColor("#4a7fd4")
STEPS = (1, 2, 2.5, 5, 10)


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round tick values from at most ``lo`` to at least ``hi`` (both may be 0), at most ``most`` of
    them, 1, 2, 2.5 or 5 times a power of ten apart: (0, 9487.5) -> 0, 2000, 4000, ... 10000."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        hi = 100.0
    raw = (hi - lo) / (most - 1)
    mag = 10 ** math.floor(math.log10(raw))
    for s in STEPS:
        step = s * mag
        first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if last - first + 1 <= most:
            break
    return [round(i * step, 10) for i in range(first, last + 1)]


class BarChart(QChartView):
    def __init__(self, name: str, title: str, money_label: Callable[[int], str], digits: int, parent=None):
        """``money_label(cents)`` writes an axis tick; ``digits``: the currency's minor-unit digits."""
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 12, 4))
        chart.setBackgroundRoundness(0)
        font = QFont()
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setTitle(title)
        super().__init__(chart, parent)
        self.setObjectName(name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 220)
        self.money_label, self.digits = money_label, digits
        self.categories: list[str] = []
        self.values: list[int] = []  # cents, as given
        self.ticks: list[float] = []
        self._x: QBarCategoryAxis | None = None

    def set_bars(self, categories: Sequence[str], cents: Sequence[int], colors: Sequence[QColor] | None = None) -> None:
        """With ``colors``, bar i takes colors[i]: each bar is its own set in a stacked series, so it
        stands in its category alone and keeps its colour."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.categories, self.values = list(categories), [int(c) for c in cents]
        values = [float(Decimal(c).scaleb(-self.digits)) for c in self.values]
        series = QStackedBarSeries()
        series.setBarWidth(0.7)
        if colors:
            for i, v in enumerate(values):
                bar = QBarSet(self.categories[i])
                bar.append([v if j == i else 0.0 for j in range(len(values))])
                bar.setColor(colors[i])
                bar.setBorderColor(colors[i])
                series.append(bar)
        else:
            bar = QBarSet("")
            bar.append(values)
            bar.setColor(BAR)
            bar.setBorderColor(BAR)
            series.append(bar)
        chart.addSeries(series)
        self._x = x = QBarCategoryAxis()
        x.append(self.categories or [""])
        x.setGridLineVisible(False)
        y = QCategoryAxis()
        y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.ticks = nice_ticks(min(values, default=0.0), max(values, default=0.0))
        y.setStartValue(self.ticks[0])
        labels: set[str] = set()
        for t in self.ticks:
            label = self.money_label(round(t * 10 ** self.digits))
            while label in labels:  # two ticks rounded alike: keep both apart
                label += " "
            labels.add(label)
            y.append(label, t)
        y.setRange(self.ticks[0], self.ticks[-1])
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Upright category labels when they would not fit side by side in the plot's width."""
        if self._x is None or not self.categories:
            return
        metrics = QFontMetrics(self._x.labelsFont())
        widest = max(metrics.horizontalAdvance(c) for c in self.categories) + 10
        room = max(self.chart().plotArea().width(), self.width() - 110) / len(self.categories)
        self._x.setLabelsAngle(-90 if widest > room else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_labels()
