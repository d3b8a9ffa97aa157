"""Detection: the detector catalogue run over outlets, and its findings recorded as casework.

- `batch`: the catalogue over many outlets (in this process or forked workers), findings in order;
- `history`: stored history, outlet by outlet, into leads (``monitor detect --db``);
- `detect`: ``monitor detect`` as one call (a readings file and/or the store, findings as JSON
  lines, leads recorded);
- `live`: detection beside the ingest daemon, over the batches it commits;
- `record`: one call from findings to leads, scores and alerts.

Nothing is imported here, so the daemon can load `live` without pandas or scikit-learn.
"""
