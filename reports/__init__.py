"""Reports of a run: the static HTML site, findings exports and spot-check samples.

- ``reports.render.render_report(db, run_id, out_dir, *, lang="zh") -> Path``
- ``reports.export.export_findings(db, run_id, fmt, out_path) -> Path``
- ``reports.sample.sample_documents(db, site_id, n, seed, as_of=None) -> list[dict]``
  and ``reports.sample.write_sample_xlsx(rows, out_path, *, info=None) -> Path``

Errors meant for the user are ``reports.common.ReportError`` (one line).
"""
