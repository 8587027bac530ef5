"""Listening Post: reproducible, offline analysis of public comments and consultation responses.

The package is the shared logic behind the notebooks in ``notebooks/``. Modules, one per concern:

- :mod:`helpers.schema`     the canonical data model (comments, votes, respondents, exclusions)
- :mod:`helpers.ingest`     readers for each input format, registered by name, with auto-detection
- :mod:`helpers.clean`      text cleaning with an audit: mojibake, language, non-answers, duplicates
- :mod:`helpers.overview`   counts, lengths, threads and who is addressed
- :mod:`helpers.campaigns`  organised campaigns: exact and near-duplicates (MinHash + LSH), templates,
  personal additions, bursts, and the de-duplicated content units
- :mod:`helpers.evaluation` B-cubed precision, recall and F1 of a clustering against ground truth
- :mod:`helpers.themes`     the theme model (TF-IDF + NMF), labels, quotes and prevalence
- :mod:`helpers.embeddings` optional theme model on MiniLM sentence embeddings (extra ``embeddings``)
- :mod:`helpers.sentiment`  VADER sentiment per sentence, comment and theme
- :mod:`helpers.opinions`   opinion groups from votes (Polis-compatible): PCA, k-means, statements
- :mod:`helpers.codeframe`  analysts' codeframes and coding sheets
- :mod:`helpers.coding`     machine coding from a hand-coded sample, agreement, active sampling
- :mod:`helpers.stats`      confidence intervals and small-sample rules
- :mod:`helpers.plots`      accessible figures embedded with alt text and a data table
- :mod:`helpers.report`     escaped HTML building blocks for the briefing
- :mod:`helpers.redact`     personal-data redaction before text reaches the briefing
- :mod:`helpers.briefing`   the briefing's sections, written from the run folder
- :mod:`helpers.render`     the offline nbconvert template, self-containment check, PDF
- :mod:`helpers.stages`     one function per notebook stage, and the files they hand over
- :mod:`helpers.interactive` searchable tables for JupyterLab
- :mod:`helpers.provenance` git commit, input checksums, parameters and package versions
- :mod:`helpers.config`     run configurations (``params/*.yaml``)
- :mod:`helpers.runner`     runs the notebook chain with papermill and renders the briefing
- :mod:`helpers.parallel`   row-local work in worker processes on every core, results in order
- :mod:`helpers.dask_engine` the pandas and Dask engines: the row-local steps in partitions on a cluster
- :mod:`helpers.textscan`   Arrow pre-filters that pick the texts an exact pattern can match
- :mod:`helpers.progress`   progress bars for long stages (tqdm)
- :mod:`helpers.paths`, :mod:`helpers.tables`, :mod:`helpers.errors`   plumbing

Run ``python -m helpers --help`` for the command line.
"""

__version__ = "0.1.0"

from .errors import short_notebook_errors as _short_notebook_errors

_short_notebook_errors()  # in a notebook, an InputError shows as its one line, not a traceback
