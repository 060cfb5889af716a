"""An axis' ticks in your own data's units: dates as many as their labels have room for in their
panel (in English with month names, in Japanese in numbers: 2023年, 3月), round numbers that do not
touch, and tick labels that each say their whole value (2019.5, 1.5e6).
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, num2date
from matplotlib.ticker import Formatter, Locator, MaxNLocator


def date_axis(axis, most: int = 7, lang: str = "en"):
    """An axis of matplotlib's date numbers (days since 1970) with at most `most` ticks at round
    dates, as many as have room (FittingDates), labelled as dates: in English with month names
    (2023, Mar, May), in Japanese in numbers (2023年, 3月, 5月)."""
    locator = FittingDates(most, lang)
    axis.set_major_locator(locator)
    concise = JapaneseDates if lang == "ja" else ConciseDates
    axis.set_major_formatter(concise(locator))


class FittingDates(Locator):
    """Round dates (matplotlib's AutoDateLocator) as many as their labels have room for along the
    panel, each label whole inside its panel: none runs into a neighbouring panel's or off the
    page."""

    #: The widest label, in ems of the tick labels' font: "2023" (or "Sep", "12:00"); "2023年".
    LABEL_EMS = {"en": 2.6, "ja": 3.6}
    #: The least room between two labels, in ems.
    GAP_EMS = 1.2

    def __init__(self, most: int = 7, lang: str = "en"):
        self.most, self.label_ems = most, self.LABEL_EMS.get(lang, self.LABEL_EMS["en"])

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        ax = self.axis.axes
        points = ax.bbox.width * 72 / ax.figure.dpi  # the panel's width
        em = self.axis.get_major_ticks(1)[0].label1.get_fontsize()
        label, gap = self.label_ems * em, self.GAP_EMS * em
        # (two at least: a single tick's concise label is a whole date and time)
        most = max(2, min(self.most, int((points - label) // (label + gap)) + 1))
        # half a label's width from each edge, in days: a tick there keeps its label inside
        pad = (vmax - vmin) * label / 2 / max(points, 1.0)
        low, high = vmin + pad, vmax - pad
        ticks = []
        for asked in range(most + 3, 1, -1):  # the densest round dates, no more than `most`
            ticks = self._dates(low, high, asked)
            if len(ticks) <= most:
                break
        return ticks

    @staticmethod
    def _dates(low: float, high: float, asked: int) -> list:
        """matplotlib's round dates for about `asked` ticks, those between low and high."""
        dates = AutoDateLocator(minticks=min(3, asked), maxticks=asked)
        with warnings.catch_warnings():  # (no interval gives so few: it takes its largest)
            warnings.simplefilter("ignore", UserWarning)
            ticks = dates.tick_values(num2date(low), num2date(high))
        return [tick for tick in ticks if low <= tick <= high]


class RoomyTicks(Locator):
    """A panel's own y ticks, or fewer round numbers when their labels would touch on a low panel
    (a grid's in a 1080-pixel frame): at most one a label's height and as much again."""

    def __init__(self, ticks: Locator):
        self.ticks = ticks

    def set_axis(self, axis):
        super().set_axis(axis)
        self.ticks.set_axis(axis)

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        ticks = np.asarray(self.ticks.tick_values(vmin, vmax))
        ax = self.axis.axes
        points = ax.bbox.height * 72 / ax.figure.dpi  # the panel's height
        em = self.axis.get_major_ticks(1)[0].label1.get_fontsize()
        most = max(2, int(points // (2 * em)))
        low, high = sorted((vmin, vmax))
        if np.count_nonzero((ticks >= low) & (ticks <= high)) <= most:
            return ticks
        # (steps of 4: 800 and 1200 where steps of 5 leave 1000 alone)
        fewer = MaxNLocator(nbins=most - 1, steps=[1, 2, 2.5, 4, 5, 10], min_n_ticks=2)
        return fewer.tick_values(vmin, vmax)


class ConciseDates(ConciseDateFormatter):
    """matplotlib's concise date labels (2023, Mar, May), and none on a panel without ticks."""

    def format_ticks(self, values):
        return super().format_ticks(values) if len(values) else []


class JapaneseDates(ConciseDates):
    """matplotlib's concise date labels as Japanese writes dates, in numbers: 2023年, 3月, 15日,
    12:00, and above the axis 2023年3月 (no month names)."""

    # the formats of ticks at years, months, days, hours, minutes, seconds
    FORMATS = ["%Y年", "%m月", "%d日", "%H:%M", "%H:%M", "%S.%f"]
    ZERO_FORMATS = ["", "%Y年", "%m月", "%m月%d日", "%H:%M", "%H:%M"]
    OFFSET_FORMATS = ["", "%Y年", "%Y年%m月", "%Y年%m月%d日", "%Y年%m月%d日", "%Y年%m月%d日 %H:%M"]

    def __init__(self, locator):
        super().__init__(
            locator,
            formats=self.FORMATS,
            zero_formats=self.ZERO_FORMATS,
            offset_formats=self.OFFSET_FORMATS,
        )

    def format_ticks(self, values):
        return [_unpadded(label) for label in super().format_ticks(values)]

    def get_offset(self):
        return _unpadded(super().get_offset())


def _unpadded(label: str) -> str:
    """A month's or a day's number without its leading zero (strftime's %m and %d have one, and
    its unpadded forms differ by platform): 03月05日 as 3月5日."""
    return re.sub(r"(?<![0-9])0([0-9][月日])", r"\1", label)


class WholeTicks(Formatter):
    """Tick labels that each say their whole value, 2019.5 or 1.5e6, with the digits that tell the
    ticks apart: no "1e6" or "+2e3" above the axis for all of them, where it sits on the title."""

    ticks = np.zeros(0)

    def set_locs(self, locs):
        self.ticks = np.asarray(locs, dtype=float)

    def __call__(self, value, pos=None):
        locs = self.ticks
        steps = np.diff(np.sort(locs))
        step = float(steps[steps > 0].min()) if (steps > 0).any() else abs(value) or 1.0
        largest = float(np.abs(locs).max()) if locs.size else abs(value)
        if largest < 1e6 and step >= 1e-4:  # plain decimals: as many as the step has
            return f"{value:.{max(0, -math.floor(math.log10(step) + 1e-9))}f}"
        digits = max(0, math.floor(math.log10(largest)) - math.floor(math.log10(step) + 1e-9))
        mantissa, exponent = f"{value:.{digits}e}".split("e")
        return "0" if value == 0 else f"{mantissa}e{int(exponent)}"
