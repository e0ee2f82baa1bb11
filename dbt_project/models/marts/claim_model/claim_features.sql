-- ML feature mart: one row per staged video, every input the claim classifier uses.
-- Unlabeled rows stay in (they are scored); text n-grams are fit later, on training rows only.
with

videos as (

    select * from {{ ref('fct_videos') }}

),

final as (

    select
        -- identifiers and label
        video_id,
        source_row_number,
        claim_status,
        is_labeled,
        is_claim,

        -- text (n-gram features are fit in the model, on training rows only)
        video_transcription_text,
        transcription_char_count,
        transcription_word_count,

        -- engagement counts
        video_duration_sec,
        {%- for column in count_columns() %}
        {{ column }},
        {%- endfor %}

        -- per-view rates
        likes_per_view,
        comments_per_view,
        shares_per_view,
        downloads_per_view,

        -- one-hot verified and author ban status (values as in category_values())
        cast(case when verified_status = 'verified' then 1 else 0 end as integer)
            as verified_status__verified,
        cast(case when verified_status = 'not verified' then 1 else 0 end as integer)
            as verified_status__not_verified,
        cast(case when author_ban_status = 'active' then 1 else 0 end as integer)
            as author_ban_status__active,
        cast(case when author_ban_status = 'under review' then 1 else 0 end as integer)
            as author_ban_status__under_review,
        cast(case when author_ban_status = 'banned' then 1 else 0 end as integer)
            as author_ban_status__banned

    from videos

)

select * from final
