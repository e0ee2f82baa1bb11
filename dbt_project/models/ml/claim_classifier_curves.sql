-- the 'curves' rows of claim_classifier_fit, typed by the contract
{{ result_of_fit(ref('claim_classifier_fit'), 'curves') }}
