-- ml.drift_bins of the latest batch, with plain feature names.
select
    case feature
        when 'video_duration_sec' then 'Video duration (seconds)'
        when 'transcription_length' then 'Transcript length'
        when 'verified_status' then 'Verified status'
        when 'claim_probability' then 'Claim probability'
    end as feature,
    bin_number,
    bin_label,
    training_share,
    batch_share,
    psi_term
from ml.drift_bins
where batch_id = (
    select batch_id from marts.intake_batches order by batch_seq desc limit 1
)
