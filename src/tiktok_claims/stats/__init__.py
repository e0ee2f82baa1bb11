"""Statistics behind stats.hypothesis_tests and the ml.verified_logit_* tables."""
