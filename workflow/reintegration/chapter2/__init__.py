"""Chapter II: the 17-country analysis (STUDY.md §7, first part; report Chapter II, Annex 3).

Modules, in pipeline order:

- :mod:`~reintegration.chapter2.labels`: codebook labels (countries, answers, items).
- :mod:`~reintegration.chapter2.dataset`: one record per returnee, the country filter, the
  returnee-programme long table (``data/cross_country*.parquet``).
- :mod:`~reintegration.chapter2.descriptives`: country means and tiers, assistance shares,
  indicator distributions, scores by sex; every table disclosure-controlled.
- :mod:`~reintegration.chapter2.regression`: the ``published`` (Annex 3) and ``full``
  specifications, as functions of any DataFrame and column names.
- :mod:`~reintegration.chapter2.trends`: score against years since return (Figure 2).
- :mod:`~reintegration.chapter2.reproduction`: the Chapter II rows of ``reproduction.csv``.
- :mod:`~reintegration.chapter2.figures`: Figures 1-14.
"""
