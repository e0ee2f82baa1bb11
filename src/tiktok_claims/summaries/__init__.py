"""Executive summaries: Markdown written from warehouse tables by `tiktok-claims publish`."""
