-- ML feature mart: one row per staged video, every input the claim classifier uses.
-- Unlabeled rows stay in (they are scored); text n-grams are fit later, on training rows only.
-- Read from staging, as fct_videos is, with the same derived columns (macros): the fit, the
-- longest step of a build, starts without waiting for the core mart and its tests.
with

videos as (

    select * from {{ ref('stg_tiktok__videos') }}

),

final as (

    select
        -- identifiers and label
        videos.video_id,
        videos.source_row_number,
        videos.claim_status,
        videos.is_labeled,
        videos.is_claim,

        -- text (n-gram features are fit in the model, on training rows only)
        videos.video_transcription_text,
        {{ transcription_shape('videos') | indent(8) }},

        -- engagement counts
        videos.video_duration_sec,
        {%- for column in count_columns() %}
        videos.{{ column }},
        {%- endfor %}

        -- per-view rates
        {{- per_view_rates('videos') | indent(4) }},

        -- one-hot verified and author ban status (values as in category_values())
        cast(case when videos.verified_status = 'verified' then 1 else 0 end as integer)
            as verified_status__verified,
        cast(case when videos.verified_status = 'not verified' then 1 else 0 end as integer)
            as verified_status__not_verified,
        cast(case when videos.author_ban_status = 'active' then 1 else 0 end as integer)
            as author_ban_status__active,
        cast(case when videos.author_ban_status = 'under review' then 1 else 0 end as integer)
            as author_ban_status__under_review,
        cast(case when videos.author_ban_status = 'banned' then 1 else 0 end as integer)
            as author_ban_status__banned

    from videos

)

select * from final
