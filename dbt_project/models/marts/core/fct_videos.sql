-- Row-level feature mart: one row per staged video, with derived variables.
with

staged as (

    select * from {{ ref('stg_tiktok__videos') }}

),

videos as (

    select * from staged

),

final as (

    select
        -- identifiers and labels
        videos.video_id,
        videos.source_row_number,
        videos.row_id,
        videos.claim_status,
        videos.is_labeled,
        videos.is_claim,

        -- video and author
        videos.video_duration_sec,
        videos.video_transcription_text,
        videos.verified_status,
        videos.is_verified,
        videos.author_ban_status,

        -- engagement counts
        {%- for column in count_columns() %}
        videos.{{ column }},
        {%- endfor %}

        -- transcription shape (NULL when there is no text)
        {{ transcription_shape('videos') | indent(8) }},

        -- per-view rates; NULL when views are zero or missing
        {{- per_view_rates('videos') | indent(4) }},

        -- engagement bin labels (edges in seeds/engagement_bin_edges.csv)
        {{ engagement_bin_label('video_view_count', 'videos') | indent(4) }} as views_bin,
        {{ engagement_bin_label('video_like_count', 'videos') | indent(4) }} as likes_bin,
        {{ engagement_bin_label('video_share_count', 'videos') | indent(4) }} as shares_bin,
        {{ engagement_bin_label('video_download_count', 'videos') | indent(4) }} as downloads_bin

    from videos

)

select * from final
