"""The real file stages completely: every row kept, the unlabeled ones included."""

import pandas as pd
import pytest

pytestmark = pytest.mark.real_data


def test_real_rows_reconcile(real_build, real_dataset):
    raw = pd.read_csv(real_dataset, na_values=["#N/A", ""], keep_default_na=False)
    staged = real_build.df("select * from staging.stg_tiktok__videos")
    rejected = real_build.df("select * from staging.stg_tiktok__videos_rejected")
    assert len(raw) == 19_382
    assert len(staged) == len(raw)
    assert len(rejected) == 0
    assert int((~staged["is_labeled"]).sum()) == int(raw["claim_status"].isna().sum()) == 298
