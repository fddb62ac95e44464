"""Print, scan and count confidence-vote ballots (phiếu tín nhiệm)."""

from .errors import ScannerError
from .model import BallotTemplate, Official, Reading, RowDecision

__all__ = ["BallotTemplate", "Official", "Reading", "RowDecision", "ScannerError"]
__version__ = "0.1.0"
