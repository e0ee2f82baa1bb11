"""The candidates' identifiers and the names people read, apart from the models themselves:
what the summaries and the report need, without importing scikit-learn."""

BASELINE = "baseline_view_threshold"
RANDOM_FOREST = "random_forest"
# What people read (the report, the summaries); tables keep the identifiers.
DISPLAY_NAMES = {
    BASELINE: "View-count rule",
    "logistic_regression": "Logistic regression",
    "naive_bayes": "Naive Bayes",
    RANDOM_FOREST: "Random forest",
    "xgboost": "XGBoost",
}
