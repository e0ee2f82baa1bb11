"""The spark target's pieces that need no Spark: the header check as a dbt var (the same column
mapping as DuckDB's) and the table arguments the Python models' functions accept."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import pytest

from tiktok_claims import cli, inbox, ingest
from tiktok_claims.frames import pandas_inputs, to_pandas

HEADER = (
    "id,Video ID, claim_status ,video_duration_sec,video_transcription_text,notes,"
    "verified_status,author_ban_status,video_view_count,video_like_count,video_share_count,"
    "video_download_count,video_comment_count"
)


def _names(expressions: list[str]) -> list[str | None]:
    """The file column each expression reads ("x" on DuckDB, `x` on Spark), None for NULL."""
    found = [re.fullmatch(r"cast\([\"`](.*)[\"`] as \w+\)", e) for e in expressions]
    return [m.group(1) if m else None for m in found]


def test_spark_header_maps_the_columns_as_duckdb_does(tmp_path):
    path = tmp_path / "shuffled.csv"
    path.write_text(HEADER + "\n1,11,claim,5,a,x,verified,active,1,1,1,1,1\n")
    duck = ingest.header_for_sql(str(path))
    answer = ingest.header_vars(str(path))["claims_header"]
    assert answer["error"] is None and answer["path"] == str(path)
    assert answer["names"] == duck["names"]
    # the same file column behind each staged name, with Spark's quoting and text type
    assert _names(answer["expressions"]) == _names(duck["expressions"])
    assert all(e.endswith("as string)") for e in answer["expressions"])
    assert _names(answer["expressions"])[:3] == ["row_id", "claim_status", "video_id"]
    # positional names for Spark's schema: the extra column is named, never read
    assert answer["file_columns"][5] == "ignored_5"
    assert "notes" in answer["warning"]


def test_header_vars_list_the_inbox_and_the_decisions_file(tmp_path, monkeypatch):
    """The spark target's inbox: every finished batch with its identity and its own header
    check (a bad batch keeps its sentence); whether the decisions file exists."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.csv").write_text(HEADER + "\n1,11,claim,5,a,x,verified,active,1,1,1,1,1\n")
    (folder / "b.csv").write_text("<html><body>not a table</body></html>\n")
    (folder / "c.csv.partial").write_text(HEADER + "\n")  # still being written: not listed
    monkeypatch.setenv("CLAIMS_INBOX", str(folder))
    monkeypatch.setenv("CLAIMS_DECISIONS", str(tmp_path / "decisions.csv"))
    answer = ingest.header_vars(str(folder / "a.csv"))
    a, b = answer["claims_inbox"]
    assert [a["file_name"], b["file_name"]] == ["a.csv", "b.csv"]
    assert a["batch_id"] == inbox.batch_id("a.csv", inbox.sha256(folder / "a.csv"))
    assert a["expressions"] == answer["claims_header"]["expressions"]  # the same file
    assert b["error"] == f"{folder / 'b.csv'} looks like an HTML page, not a CSV file"
    assert answer["claims_decisions"] == {"path": str(tmp_path / "decisions.csv"), "exists": False}


def test_header_command_prints_the_var_or_the_sentence(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "page.csv"
    bad.write_text("<html><body>not a table</body></html>\n")
    monkeypatch.setenv("CLAIMS_DATASET", str(bad))
    assert cli.main(["header"]) == 0
    answer = json.loads(capsys.readouterr().out)["claims_header"]
    assert answer["error"] == f"{bad} looks like an HTML page, not a CSV file"
    assert answer["expressions"] == [] and answer["file_columns"] == []


def test_score_engine_needs_a_file_or_spark(capsys):
    assert cli.main(["score"]) == 1
    assert "needs a FILE" in capsys.readouterr().err


def test_model_functions_take_pandas_or_a_duckdb_relation():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    with duckdb.connect() as con:
        relation = con.sql("select * from (values (1, 'x'), (2, null)) as t (a, b)")
        pd.testing.assert_frame_equal(to_pandas(relation), frame, check_dtype=False)

        @pandas_inputs
        def rows(data, other=None):
            return len(data), type(data), other

        assert rows(relation, other=3) == (2, pd.DataFrame, 3)
    assert to_pandas(frame) is frame
    with pytest.raises(TypeError, match="Spark DataFrame"):
        to_pandas([1, 2])
