"""Demand planning: sales history -> forecast per product and location -> what to buy and what to move.

- demand.py: units ordered per product, location and day, from Orders and Order Lines;
- forecast.py: a forecasting method per series, chosen by a rolling-origin backtest (statsforecast);
- policy.py: lead times, safety stock, reorder points, projected stock, transfers before purchases;
- run.py: one computation of the forecast and the Forecast tab's rows from it;
- stockouts.py: days with demand and no stock, rebuilt from the Stock Moves ledger.

The jobs cycle keeps the Forecast tab (jobs/planning.py); docs/planning.md tells the whole story.
"""
