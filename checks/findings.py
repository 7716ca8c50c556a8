"""A finding: one gap an inspector can cite, with its evidence and legal basis."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Finding:
    site_id: str
    rule: str
    severity: str                 # "high" | "medium" | "low"
    message: str                  # one Chinese sentence for the notice
    basis: str                    # the legal/administrative basis, quoted in the notice
    column_id: int | None = None
    column_name: str | None = None
    column_url: str | None = None
    catalog_area: str | None = None
    catalog_item: str | None = None
    url: str | None = None        # the page that shows the problem
    evidence: dict = field(default_factory=dict)  # URLs, dates and counts behind the finding
