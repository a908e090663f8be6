"""Forecasting each series of daily demand with statsforecast, the method chosen per series by backtest.

Each series is first classed as smooth or intermittent by its average demand
interval (ADI, Syntetos and Boylan: more than 1.32 days between sales is
intermittent). Each class has its candidate methods:

- smooth: exponential smoothing (steady demand), weekly seasonal exponential
  smoothing (weekday patterns), the Theta method (trend), a 28-day average,
  and the seasonal-naive baseline (the same weekday last week);
- intermittent: Croston (SBA), ADIDA, IMAPA, a 28-day average and the baseline.

A rolling-origin backtest (up to BACKTEST_WINDOWS windows of BACKTEST_DAYS
days, the last ones of the history, each forecast from at least TRAINING_DAYS
before it) scores every candidate; the one with the smallest
squared error wins: squared error is least for the mean, and stock is planned
on the mean (absolute error would favour forecasting zero for a product that
sells one day in four). Its error is reported as WAPE (sum of absolute errors
over units sold) beside the baseline's.

A series with less than MIN_HISTORY_DAYS of history is not backtested: its
forecast is its average daily sales so far, labelled SIMPLE_RATE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from i18n import N_

from .demand import split_series_id

BACKTEST_DAYS = 14
BACKTEST_WINDOWS = 6  # at most: a shorter history is backtested on fewer windows
TRAINING_DAYS = 28  # the least history a backtest window is forecast from
MIN_HISTORY_DAYS = TRAINING_DAYS + BACKTEST_DAYS
#: Average days between sales above which a series is intermittent (Syntetos-Boylan).
INTERMITTENT_ADI = 1.32
SEASON = 7  # days: demand repeats by weekday
SIMPLE_RATE = N_("simple rate")
BASELINE = N_("seasonal naive")


def _smooth_models() -> list:
    from statsforecast.models import (
        SeasonalExponentialSmoothingOptimized,
        SeasonalNaive,
        SimpleExponentialSmoothingOptimized,
        WindowAverage,
    )

    return [
        SeasonalNaive(SEASON, alias=BASELINE),
        SimpleExponentialSmoothingOptimized(alias=N_("exponential smoothing")),
        SeasonalExponentialSmoothingOptimized(SEASON, alias=N_("weekly exponential smoothing")),
        WindowAverage(28, alias=N_("28-day average")),
    ]


def _trend_models() -> list:
    """Models that refit cheaply by moving forward (backtested with refit=False)."""
    from statsforecast.models import Theta

    return [Theta(SEASON, alias=N_("theta (trend)"))]


def _intermittent_models() -> list:
    from statsforecast.models import ADIDA, IMAPA, CrostonSBA, SeasonalNaive, WindowAverage

    return [
        SeasonalNaive(SEASON, alias=BASELINE),
        CrostonSBA(alias=N_("Croston (SBA)")),
        ADIDA(alias=N_("ADIDA")),
        IMAPA(alias=N_("IMAPA")),
        WindowAverage(28, alias=N_("28-day average")),
    ]


@dataclass(frozen=True)
class SeriesForecast:
    sku: str
    location_id: str
    method: str
    path: np.ndarray  # forecast units per day, from today on
    accuracy: float | None  # backtest WAPE of the method (None: not backtested, or nothing sold)
    baseline_accuracy: float | None  # backtest WAPE of the seasonal-naive baseline
    error_sd: float  # standard deviation of the daily error (backtest; the sales' own spread otherwise)
    history_days: int

    @property
    def daily_demand(self) -> float:
        return float(self.path.mean()) if len(self.path) else 0.0


@dataclass(frozen=True)
class ForecastResult:
    series: list[SeriesForecast]
    seconds: float
    backtest_units: float  # units sold in the backtest windows, over all backtested series
    backtest_error: float  # sum of absolute errors of the chosen methods there
    baseline_error: float  # the same for the seasonal-naive baseline

    @property
    def accuracy(self) -> float | None:
        return self.backtest_error / self.backtest_units if self.backtest_units else None

    @property
    def baseline_accuracy(self) -> float | None:
        return self.baseline_error / self.backtest_units if self.backtest_units else None


def forecast_all(series: pd.DataFrame, horizon: int, *, jobs: int = 1) -> ForecastResult:
    """Forecast every series of `series` (`unique_id, ds, y`, daily, no gaps) `horizon` days ahead."""
    started = time.perf_counter()
    lengths = series.groupby("unique_id", sort=False)["y"].agg(["size", lambda y: int((y > 0).sum())])
    lengths.columns = ["days", "selling_days"]
    short = lengths.index[lengths["days"] < MIN_HISTORY_DAYS]
    enough = lengths[lengths["days"] >= MIN_HISTORY_DAYS]
    adi = enough["days"] / enough["selling_days"].clip(lower=1)
    windows = ((enough["days"] - TRAINING_DAYS) // BACKTEST_DAYS).clip(upper=BACKTEST_WINDOWS)
    forecasts = [_simple_rate(uid, rows, horizon) for uid, rows in _rows_of(series, short)]
    totals = np.zeros(3)
    for (is_intermittent, count), group in adi.groupby([adi > INTERMITTENT_ADI, windows]):
        models, forward = (_intermittent_models, None) if is_intermittent else (_smooth_models, _trend_models)
        rows = series[series["unique_id"].isin(group.index)]
        chosen, sums = _choose(rows, horizon, models, forward, int(count), jobs)
        forecasts += chosen
        totals += sums
    forecasts.sort(key=lambda item: (item.sku, item.location_id))
    return ForecastResult(forecasts, time.perf_counter() - started, *totals)


def _rows_of(series: pd.DataFrame, ids) -> list[tuple[str, pd.DataFrame]]:
    if not len(ids):
        return []
    return list(series[series["unique_id"].isin(ids)].groupby("unique_id", sort=True))


def _simple_rate(uid: str, rows: pd.DataFrame, horizon: int) -> SeriesForecast:
    sku, location = split_series_id(uid)
    values = rows["y"].to_numpy(dtype=float)
    rate = float(values.mean()) if len(values) else 0.0
    spread = float(values.std()) if len(values) > 1 else rate
    return SeriesForecast(sku, location, SIMPLE_RATE, np.full(horizon, rate), None, None, spread, len(values))


def _choose(
    series: pd.DataFrame,
    horizon: int,
    models: Callable[[], list],
    forward: Callable[[], list] | None,
    windows: int,
    jobs: int,
) -> tuple[list[SeriesForecast], np.ndarray]:
    """Backtest the candidates on `series` over `windows` windows, keep each series' best, forecast with it."""
    backtest = _cross_validate(series, models(), windows, jobs, refit=True)
    future = _future(series, models(), horizon, jobs)
    if forward is not None:
        extra_backtest = _cross_validate(series, forward(), windows, jobs, refit=False)
        extra_future = _future(series, forward(), horizon, jobs)
        for name in _names(extra_backtest):
            backtest[name] = extra_backtest[name].to_numpy()
            future[name] = extra_future[name].to_numpy()
    names = _names(backtest)
    errors = backtest[names].sub(backtest["y"], axis=0)
    by_series = errors.groupby(backtest["unique_id"], sort=True)
    squared = (errors**2).groupby(backtest["unique_id"], sort=True).mean()
    absolute = errors.abs().groupby(backtest["unique_id"], sort=True).sum()
    spread = by_series.std(ddof=0)
    units = backtest.groupby("unique_id", sort=True)["y"].sum()
    best = squared.idxmin(axis=1)
    history = series.groupby("unique_id", sort=True).size()
    paths = dict(list(future.groupby("unique_id", sort=True)))
    chosen: list[SeriesForecast] = []
    totals = np.zeros(3)
    for uid, method in best.items():
        sku, location = split_series_id(uid)
        sold = float(units[uid])
        path = np.clip(paths[uid][method].to_numpy(dtype=float), 0, None)
        chosen.append(
            SeriesForecast(
                sku,
                location,
                method,
                path,
                float(absolute.at[uid, method]) / sold if sold else None,
                float(absolute.at[uid, BASELINE]) / sold if sold else None,
                float(spread.at[uid, method]),
                int(history[uid]),
            )
        )
        totals += (sold, absolute.at[uid, method], absolute.at[uid, BASELINE])
    return chosen, totals


def _cross_validate(
    series: pd.DataFrame, models: list, windows: int, jobs: int, *, refit: bool
) -> pd.DataFrame:
    from statsforecast import StatsForecast

    engine = StatsForecast(models=models, freq="D", n_jobs=jobs)
    frame = engine.cross_validation(
        df=series, h=BACKTEST_DAYS, n_windows=windows, step_size=BACKTEST_DAYS, refit=refit
    )
    return frame.sort_values(["unique_id", "cutoff", "ds"], kind="stable").reset_index(drop=True)


def _future(series: pd.DataFrame, models: list, horizon: int, jobs: int) -> pd.DataFrame:
    from statsforecast import StatsForecast

    frame = StatsForecast(models=models, freq="D", n_jobs=jobs).forecast(df=series, h=horizon)
    return frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def _names(frame: pd.DataFrame) -> list[str]:
    return [name for name in frame.columns if name not in ("unique_id", "ds", "cutoff", "y")]
