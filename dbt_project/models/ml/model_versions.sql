{{ config(tags=['retrain']) }}
-- the rows of model_versions_fit, typed by the contract
{{ result_of_fit(ref('model_versions_fit')) }}
