-- ml.drift_report with plain feature names and the batch's load order.
select
    d.batch_id,
    b.batch_seq,
    b.file_name,
    case d.feature
        when 'video_duration_sec' then 'Video duration (seconds)'
        when 'transcription_length' then 'Transcript length'
        when 'verified_status' then 'Verified status'
        when 'claim_probability' then 'Claim probability'
    end as feature,
    d.psi,
    d.status,
    d.warn_threshold,
    d.alert_threshold,
    d.batch_rows,
    d.predicted_claim_share,
    d.training_predicted_claim_share
from ml.drift_report as d
inner join marts.intake_batches as b on d.batch_id = b.batch_id
