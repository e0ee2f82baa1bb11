"""Claim classifier: features, group-aware splits, candidate search, persistence, scoring."""
