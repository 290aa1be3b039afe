"""Figures of a run's key outcomes (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PANELS = (
    ("Income per business (Rp million/month)", [("income_mean", "mean"), ("income_median", "median")], 1e6),
    ("Jobs and active businesses", [("jobs", "jobs"), ("active_businesses", "businesses")], 1),
    ("Partnerships", [("partnerships_within", "within villages"), ("partnerships_between", "between villages")], 1),
    ("Trust", [("mean_trust", "mean trust on ties"), ("gov_trust_mean", "trust in government")], 1),
    ("Share of sales by market", [("share_province", "province"), ("share_national", "other provinces"),
                                  ("share_export", "export")], 1),
    ("Programme spending (Rp million, cumulative)", [("budget_spent_total", "spent")], 1e6),
)


def key_outcomes(monthly: pd.DataFrame, path: Path, title: str = "") -> Path:
    """A 2 x 3 panel figure of the monthly indicators, saved as PNG."""
    fig, axes = plt.subplots(2, 3, figsize=(14, 7.5), sharex=True)
    x = monthly["month"]
    for ax, (label, series, scale) in zip(axes.flat, PANELS, strict=True):
        if label.startswith("Share"):
            ax.stackplot(x, *[monthly[c] for c, _ in series], labels=[n for _, n in series], alpha=0.8)
            ax.set_ylim(0, 1)
        else:
            for col, name in series:
                ax.plot(x, monthly[col] / scale, label=name)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    for ax in axes[1]:
        ax.set_xlabel("month")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
