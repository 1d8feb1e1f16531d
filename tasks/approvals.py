"""Approvals that waited too long: a suspended annual report whose approval time has run out is
ended (Failed, nothing sent) and HR is told. Prefect itself only notices an expired suspension
when someone tries to resume it, so the nightly collect run looks for them."""

from __future__ import annotations

import datetime as dt

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks.notify import compose, send_to_hr, ui_link


@task(name="end expired approvals", persist_result=False, cache_policy=NO_CACHE)
def expire_approvals(flow_name: str = "annual-report") -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (FlowFilter, FlowFilterName, FlowRunFilter,
                                                FlowRunFilterState, FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.states import Failed

    log = get_run_logger()
    now = dt.datetime.now(dt.UTC)
    ended = []
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.PAUSED]))))
        for run in runs:
            timeout = run.state.state_details.pause_timeout if run.state else None
            if timeout is None or timeout > now:
                continue
            days = max(1, round((timeout - run.state.timestamp).total_seconds() / 86400))
            client.set_flow_run_state(run.id, Failed(message=f"No approval within {days} days: "
                                                              "nothing was sent."), force=True)
            year = (run.parameters.get("params") or {}).get("year") or "?"
            subject, text = compose("expired", year=year, days=days, link=ui_link(run.id))
            send_to_hr(f"approval-expired-{run.id}", subject, text, None, log=log.info)
            ended.append(str(run.id))
    return ended
