"""From raw RSS exports to scored records: extract, clean, score, pool (STUDY.md §4-§6).

Modules, in pipeline order:

- :mod:`~reintegration.data.readers`: csv/xlsx reading with encoding, delimiter and sheet detection.
- :mod:`~reintegration.data.formats`: source-format detection and header mapping (codebook sources).
- :mod:`~reintegration.data.pseudonym`: case-id canonicalisation and keyed pseudonyms (HMAC-SHA256).
- :mod:`~reintegration.data.extract`: one wave's files -> ``records.parquet`` + extract report.
- :mod:`~reintegration.data.labels`, :mod:`~reintegration.data.recode`: answer labels -> values.
- :mod:`~reintegration.data.dates`: the one date and number parser; each wave's date bound.
- :mod:`~reintegration.data.validate`: the validation rules, each a mask and a reason.
- :mod:`~reintegration.data.clean`: one wave cleaned: rules, duplicates, quarantine, log.
- :mod:`~reintegration.data.ledger`: rows read = kept + quarantined + duplicates merged.
- :mod:`~reintegration.data.score`: item, dimension and composite scores (vectorised).
- :mod:`~reintegration.data.pool`: the scored waves of a release stacked into one table.
"""
