"""Figures for demand planning: `python -m bench.forecast [--series 2000] [--days 182]`.

Draws `--series` daily demand series with known rates, a quarter each steady,
weekly (weekday profile), trending and intermittent (a sale every few days),
and runs the forecast of processes/planning/forecast.py on them, as the jobs
cycle does (one process). It prints:

- the seconds the whole forecast takes (method choice by backtest included),
  with one worker and with two;
- the backtest error (WAPE) of the chosen methods beside the seasonal-naive
  baseline's, overall and per pattern, and the error of the forecast daily
  demand against the true rate over the planning horizon;
- which methods the backtest chose, per pattern;
- what the alternatives would cost, timed on a sample and scaled to all
  series: statsforecast's AutoETS (every ETS model fitted per series), and
  statsmodels' Holt-Winters (one seasonal ETS fit per series in Python).

Targets: well under a minute for 2,000 series; error below the baseline's.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes.planning.forecast import forecast_all  # noqa: E402

PATTERNS = ("steady", "weekly", "trending", "intermittent")
WEEKDAY_PROFILE = np.array([1.4, 1.2, 1.0, 1.0, 1.1, 0.6, 0.7])
HORIZON = 21  # lead time 14 + review period 7
SAMPLE = 40  # series the alternatives are timed on


def rate(pattern: str, days: np.ndarray, weekdays: np.ndarray, total: int, scale: float) -> np.ndarray:
    if pattern == "steady":
        return np.full(len(days), 4.0 * scale)
    if pattern == "weekly":
        return 4.0 * scale * WEEKDAY_PROFILE[weekdays]
    if pattern == "trending":
        return scale * (2.0 + 4.0 * days / total)
    return np.full(len(days), 0.3 * scale)


def draw(count: int, days: int, seed: int = 1) -> tuple[pd.DataFrame, dict[str, float], dict[str, str]]:
    """`count` series of `days` days, the true mean rate over the horizon of each, and its pattern."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-05")
    index = pd.date_range(start, periods=days, freq="D")
    ahead = pd.date_range(index[-1] + pd.Timedelta(days=1), periods=HORIZON, freq="D")
    frames, truth, patterns = [], {}, {}
    for number in range(count):
        pattern = PATTERNS[number % len(PATTERNS)]
        scale = rng.uniform(0.5, 2.0)
        uid = f"P{number:05d}@main"
        past = rate(pattern, np.arange(days), index.weekday.to_numpy(), days, scale)
        future = rate(pattern, np.arange(days, days + HORIZON), ahead.weekday.to_numpy(), days, scale)
        frames.append(pd.DataFrame({"unique_id": uid, "ds": index, "y": rng.poisson(past).astype(float)}))
        truth[uid], patterns[uid] = float(future.mean()), pattern
    return pd.concat(frames, ignore_index=True), truth, patterns


def timed_forecast(series: pd.DataFrame, jobs: int):
    started = time.perf_counter()
    result = forecast_all(series, HORIZON, jobs=jobs)
    return result, time.perf_counter() - started


def report(result, truth: dict[str, float], patterns: dict[str, str]) -> None:
    print(
        f"backtest error (WAPE): chosen methods {result.accuracy:.3f}, "
        f"seasonal naive {result.baseline_accuracy:.3f}"
    )
    rows = []
    for item in result.series:
        uid = f"{item.sku}@{item.location_id}"
        rows.append(
            {
                "pattern": patterns[uid],
                "method": item.method,
                "wape": item.accuracy,
                "baseline": item.baseline_accuracy,
                "rate_error": abs(item.path[:HORIZON].mean() / truth[uid] - 1),
            }
        )
    frame = pd.DataFrame(rows)
    print("\npattern       WAPE  naive  |forecast rate / true rate - 1| (median, p90)")
    for pattern, group in frame.groupby("pattern"):
        print(
            f"{pattern:12s} {group['wape'].mean():5.3f}  {group['baseline'].mean():5.3f}  "
            f"{group['rate_error'].median():5.3f}  {group['rate_error'].quantile(0.9):5.3f}"
        )
    print("\nmethods chosen per pattern:")
    for pattern, group in frame.groupby("pattern"):
        counts = Counter(group["method"])
        print(f"  {pattern:12s} " + ", ".join(f"{name} {n}" for name, n in counts.most_common()))


def alternatives(series: pd.DataFrame, count: int) -> None:
    """Seconds per series of the alternatives, on SAMPLE series, scaled to `count`."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    ids = series["unique_id"].drop_duplicates().iloc[:SAMPLE]
    sample = series[series["unique_id"].isin(ids)]
    started = time.perf_counter()
    StatsForecast(models=[AutoETS(season_length=7)], freq="D").forecast(df=sample, h=HORIZON)
    per_series = (time.perf_counter() - started) / len(ids)
    print(
        f"\nstatsforecast AutoETS (all ETS models, one fit): {per_series * 1000:.1f} ms per series,", end=" "
    )
    print(f"  {per_series * count:.0f} s for {count} series before any backtest")
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
    except ImportError:
        return
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _uid, rows in sample.groupby("unique_id"):
            ExponentialSmoothing(
                rows["y"].to_numpy() + 0.0,
                trend="add",
                seasonal="add",
                seasonal_periods=7,
                initialization_method="estimated",
            ).fit()
    per_series = (time.perf_counter() - started) / len(ids)
    print(f"statsmodels Holt-Winters (one fit): {per_series * 1000:.1f} ms per series,", end=" ")
    print(f"  {per_series * count:.0f} s for {count} series before any backtest")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=182)
    args = parser.parse_args()
    series, truth, patterns = draw(args.series, args.days)
    forecast_all(series[series["unique_id"] == series["unique_id"].iloc[0]], HORIZON)  # imports, warm-up
    result, seconds = timed_forecast(series, jobs=1)
    print(f"{args.series} series x {args.days} days: forecast in {seconds:.1f} s (one worker)")
    _result, seconds_two = timed_forecast(series, jobs=2)
    print(f"{args.series} series x {args.days} days: forecast in {seconds_two:.1f} s (two workers)")
    report(result, truth, patterns)
    alternatives(series, args.series)


if __name__ == "__main__":
    main()
