-- Crosstab of claim status by verified status (labeled videos), with each row's shares.
{{ claim_status_crosstab('verified_status') }}
