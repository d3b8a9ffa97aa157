"""The store: where readings, quarantined messages and casework live (SQLAlchemy 2.0).

- `base`: the declarative base every table derives from and the `transaction` helper;
- `models`: readings and quarantine (the daemon's tables); `casework_models`: findings, leads, score
  events, inspections and alerts; `user_models`: the staff accounts of the web page;
- `store`: `Store`, the ingest daemon's sink (idempotent batch commits, quarantine) and the
  readers of stored history;
- `migrate` and `migrations/`: Alembic, configured in code;
- `readings_files`: the analysts' readings files (CSV, Parquet) read and written.
"""
