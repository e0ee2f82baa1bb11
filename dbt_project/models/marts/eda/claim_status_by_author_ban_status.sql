-- Crosstab of claim status by author ban status (labeled videos), with each row's shares.
{{ claim_status_crosstab('author_ban_status') }}
