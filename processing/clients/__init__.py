"""One thin client module per vendor; the only code here that makes HTTP calls."""
