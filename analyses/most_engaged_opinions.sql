-- Question: which opinion videos get the most views, and how do their likes and shares compare?
with

videos as (

    select * from {{ ref('fct_videos') }}

),

final as (

    select
        video_id,
        author_ban_status,
        verified_status,
        video_view_count,
        video_like_count,
        video_share_count,
        likes_per_view,
        video_transcription_text

    from videos
    where claim_status = 'opinion' and video_view_count is not null

)

select * from final
order by video_view_count desc, video_id asc
limit 20
