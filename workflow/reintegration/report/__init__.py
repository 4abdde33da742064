"""The report, the release manifest and the release comparison.

- :mod:`.notebooks`: execute a chapter notebook with papermill, normalise it, render HTML.
- :mod:`.present`: helpers the notebooks call to show a release's tables and figures.
- :mod:`.exhibits`: the exhibit list (exhibit, file, rule) from the rules' registrations.
- :mod:`.audit`: release-level audit tables from the per-wave extraction/cleaning outputs.
- :mod:`.manifest`: hashes of inputs and outputs, code and package versions; the release guard.
- :mod:`.compare`: key estimates of two releases side by side.
- :mod:`.index`: the report's index page.
- :mod:`.findings`: key findings in words, computed from the release's tables.
- :mod:`.pages`: banner, navigation and table of contents every page shares.
- :mod:`.marking`: the synthetic-data marking of figures, tables and report copies.
- :mod:`.portable`: a ``snakemake --report`` file without absolute build paths.
"""
