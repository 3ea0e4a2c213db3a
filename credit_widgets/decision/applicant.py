"""One applicant of a batch, resolved: a known client (a row in the client base), possibly with changed inputs, or
a prospect."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Applicant:
    """One row of a batch, resolved: a known client (row in the base), possibly with changed inputs, or a prospect."""

    client_id: int | None
    row: int | None
    inputs: dict
    changed: bool
