"""The chair app's two plots, as PNG bytes (matplotlib, Agg; never in a delegate kernel)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def submissions_over_time(times: list[datetime], deadline: datetime) -> bytes:
    """Cumulative submissions against the deadline."""
    return _png(submissions_figure(times, deadline))


def submissions_figure(times: list[datetime], deadline: datetime):
    """The figure of ``submissions_over_time``: whole papers on the y-axis (1, 2, 3...)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    ax.xaxis_date()  # the x values are matplotlib's day numbers (date2num), shown as dates
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ordered = sorted(times)
    if ordered:
        counts = list(range(1, len(ordered) + 1))
        # The axis spans the papers and the deadline, a little either side (not years).
        first, last = min(ordered[0], deadline), max(ordered[-1], deadline)
        pad = max((last - first) * 0.05, timedelta(hours=12))
        ax.set_xlim(float(date2num(first - pad)), float(date2num(last + pad)))
        # The running total carries on to the right edge; a dot marks each paper.
        steps = date2num([*ordered, last + pad])
        ax.step(steps, [*counts, counts[-1]], where="post", color="#1f5fa8")
        ax.plot(date2num(ordered), counts, "o", color="#1f5fa8", markersize=4)
        ax.set_ylim(0, counts[-1] * 1.15 + 0.2)
    ax.axvline(float(date2num(deadline)), color="#b42318", linestyle="--", label="deadline")
    ax.set_ylabel("papers submitted")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right")
    fig.autofmt_xdate()
    return fig


def scores_by_category(means: dict[str, float], maxima: dict[str, int]) -> bytes:
    """Mean points per rubric category, as a share of the category's maximum."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    names = list(maxima)
    shares = [100 * means.get(n, 0) / maxima[n] for n in names]
    ax.barh(names, shares, color="#2f7d4f")
    ax.set_xlim(0, 100)
    ax.set_xlabel("mean score (% of the category's maximum)")
    ax.invert_yaxis()
    return _png(fig)
