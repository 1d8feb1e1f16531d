"""follow-up: the year so far → the management team's inbox, monthly. Wiring only."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.hooks import alert_hr
from flows.params import FollowUpParams
from tasks.artifacts import follow_up_markdown
from tasks.follow_up import mail_follow_up, make_follow_up


@flow(name="follow-up", on_failure=[alert_hr], on_crashed=[alert_hr])
def follow_up(params: FollowUpParams = FollowUpParams()) -> dict:
    """Year-to-date budget use, training days and goal-discussion coverage per sector, with
    warnings, mailed to the management team."""
    made = make_follow_up(params.year, params.sectors, params.out)
    s = made["summary"]
    create_markdown_artifact(
        key=f"follow-up-{s['year']}",
        markdown=follow_up_markdown(s))
    sent = [] if params.dry_run else mail_follow_up(made, params.recipient_group)
    return {"summary": s, "paths": made["paths"], "sent": len(sent)}
