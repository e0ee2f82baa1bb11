"""The course notebook's claim-classifier flow, as a script: the yardstick for `make bench`.

Faithful to the notebook: pandas read_csv, dropna, text length and one-hot columns,
2-3-word n-grams (top 15, English stop words) fit on the training rows, a 60/20/20 split
with train_test_split, a random forest grid search (72 candidates x 5 folds) and an XGBoost
grid search (24 x 5), both refit on recall, the better one on validation tested once.
The grid searches run with n_jobs=-1 (every core), as a user on this machine would run them.
The course's 15 n-grams live only here; the warehouse model tunes its TF-IDF by CV.
`python bench/notebook_flow.py <csv>` prints the test recall and precision.
"""

from __future__ import annotations

import sys

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from xgboost import XGBClassifier

SCORING = ["accuracy", "precision", "recall", "f1"]
RF_GRID = {
    "max_depth": [5, 7, None],
    "max_features": [0.3, 0.6],
    "max_samples": [0.7],
    "min_samples_leaf": [1, 2],
    "min_samples_split": [2, 3],
    "n_estimators": [75, 100, 200],
}
XGB_GRID = {
    "max_depth": [4, 8, 12],
    "min_child_weight": [3, 5],
    "learning_rate": [0.01, 0.1],
    "n_estimators": [300, 500],
}


def prepare(path: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The notebook's cleaning and encoding: features, target, and each row's video_id."""
    data = pd.read_csv(path)
    data = data.dropna(axis=0)
    data["text_length"] = data["video_transcription_text"].str.len()
    X = data.copy().drop(columns=["#", "video_id"])
    X["claim_status"] = X["claim_status"].replace({"opinion": 0, "claim": 1}).astype(int)
    X = pd.get_dummies(
        X, columns=["verified_status", "author_ban_status"], drop_first=True, dtype=int
    )
    y = X.pop("claim_status")
    return X, y, data["video_id"]


def with_ngrams(train: pd.DataFrame, *others: pd.DataFrame) -> list[pd.DataFrame]:
    """2-3-word n-grams, the 15 most frequent on the training rows (English stop words out)."""
    vectorizer = CountVectorizer(ngram_range=(2, 3), max_features=15, stop_words="english")
    vectorizer.fit(train["video_transcription_text"])
    out = []
    for frame in (train, *others):
        counts = vectorizer.transform(frame["video_transcription_text"])
        ngrams = pd.DataFrame(
            counts.toarray(), columns=vectorizer.get_feature_names_out(), index=frame.index
        )
        out.append(pd.concat([frame.drop(columns=["video_transcription_text"]), ngrams], axis=1))
    return out


def run(path: str, n_jobs: int | None = -1) -> dict:
    X, y, _ = prepare(path)
    X_tr, X_test, y_tr, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X_tr, y_tr, test_size=0.25, random_state=0)
    X_train, X_val, X_test = with_ngrams(X_train, X_val, X_test)

    rf_cv = GridSearchCV(
        RandomForestClassifier(random_state=0),
        RF_GRID,
        scoring=SCORING,
        cv=5,
        refit="recall",
        n_jobs=n_jobs,
    )
    rf_cv.fit(X_train, y_train)
    xgb_cv = GridSearchCV(
        XGBClassifier(objective="binary:logistic", random_state=0),
        XGB_GRID,
        scoring=SCORING,
        cv=5,
        refit="recall",
        n_jobs=n_jobs,
    )
    xgb_cv.fit(X_train, y_train)

    val_recall = {
        name: recall_score(y_val, search.best_estimator_.predict(X_val))
        for name, search in (("random_forest", rf_cv), ("xgboost", xgb_cv))
    }
    champion = max(val_recall, key=val_recall.get)
    search = rf_cv if champion == "random_forest" else xgb_cv
    pred = search.best_estimator_.predict(X_test)
    return {
        "champion": champion,
        "params": search.best_params_,
        "test_recall": recall_score(y_test, pred),
        "test_precision": precision_score(y_test, pred),
    }


def on_split(path: str, result: dict, split: pd.Series) -> dict[str, float]:
    """The notebook's chosen model and features, refit on another train split (video_id ->
    'train' / 'test' / ...) and scored on its test rows: a like-for-like comparison."""
    X, y, video_id = prepare(path)
    part = video_id.map(split).to_numpy()
    X_train, X_test = with_ngrams(X[part == "train"], X[part == "test"])
    if result["champion"] == "random_forest":
        model = RandomForestClassifier(random_state=0, **result["params"])
    else:
        model = XGBClassifier(objective="binary:logistic", random_state=0, **result["params"])
    pred = model.fit(X_train, y[part == "train"]).predict(X_test)
    return {
        "test_recall": recall_score(y[part == "test"], pred),
        "test_precision": precision_score(y[part == "test"], pred),
    }


if __name__ == "__main__":
    print(run(sys.argv[1]))
