"""State hooks: HR hears about a failed or crashed run in plain words, with the step, the
reason and a link. Self-hosted Prefect cannot e-mail by itself."""

from __future__ import annotations

import re

from osaava.issues import mask_hetu

_ENGINE_PREFIX = re.compile(r"^(?:Flow|Task) run encountered an exception: (?:[\w.]+: )?")


#: The state of a collect whose batch was refused: not a green Completed, and HR already has the
#: data-quality report, so the failure hook sends nothing more.
REFUSED = "Hylätty / Avvisad"


_PARAMS = re.compile(r"^Validation of flow parameters failed with error: \w+: Flow run received "
                     r"invalid parameters:\s*(.*)$", re.S)
_BLOCK = re.compile(r"Unable to find block document named ([\w.-]+) for block type ([\w-]+)")


def plain_reason(message: str | None) -> str:
    """A state's message in plain words: without Prefect's "Flow run encountered an exception:
    Xxx:" prefix, and the usual set-up faults said in Finnish and Swedish."""
    text = _ENGINE_PREFIX.sub("", message or "").strip()
    m = _PARAMS.match(text)
    if m:
        detail = " ".join(m.group(1).split()).lstrip("- ")
        return (f"Ajon asetukset eivät kelpaa ({detail}). Tarkista lomakkeen kentät ja käynnistä ajo "
                f"uudelleen. / Körningens inställningar godtas inte ({detail}). Kontrollera "
                f"formulärets fält och starta körningen på nytt.")
    m = _BLOCK.search(text)
    if m:
        what = ("sähköpostipalvelimen asetukset", "inställningarna för e-postservern") \
            if m.group(2) == "email-server-credentials" else ("salaisuus", "hemligheten")
        return (f"Prefectistä puuttuu {what[0]} (lohko {m.group(1)}): IT luo sen komennolla "
                f"osaava setup-blocks. / I Prefect saknas {what[1]} (blocket {m.group(1)}): IT "
                f"skapar det med kommandot osaava setup-blocks.")
    return text


def failed_step(flow_run_id) -> str:
    """Name of the task that failed in this run, if Prefect knows one."""
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (FlowRunFilter, FlowRunFilterId, TaskRunFilter,
                                                    TaskRunFilterState, TaskRunFilterStateType)
        from prefect.client.schemas.objects import StateType

        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
                task_run_filter=TaskRunFilter(state=TaskRunFilterState(type=TaskRunFilterStateType(
                    any_=[StateType.FAILED, StateType.CRASHED]))))
        return ", ".join(sorted({r.name.rsplit("-", 1)[0] for r in runs})) or "(ajo / körningen)"
    except Exception:  # the alert must go out even when the API cannot say more
        return "(tuntematon / okänt)"


#: What a failed run of each flow means for HR, in plain words.
CONSEQUENCE = {
    "collect": ("Mitään ei ladattu; raporteissa käytetään edelleen aiempaa hyväksyttyä aineistoa.",
                "Inget laddades; rapporterna använder fortfarande det tidigare godkända materialet."),
    "annual-report": ("Raporttia ei lähetetty kenellekään.", "Rapporten skickades inte till någon."),
    "follow-up": ("Seurantaa ei lähetetty.", "Uppföljningen skickades inte."),
}


def alert_hr(flow, flow_run, state) -> None:
    """on_failure / on_crashed: mail HR the flow, the step, the reason and the link."""
    from tasks.notify import compose, send_to_hr, ui_link

    if state.name == REFUSED:
        return
    values = {"flow": flow.name, "run": flow_run.name, "step": failed_step(flow_run.id),
              "reason": mask_hetu(plain_reason(state.message) or state.name), "link": ui_link(flow_run.id)}
    values["consequence_fi"], values["consequence_sv"] = CONSEQUENCE.get(flow.name, ("", ""))
    subject, text = compose("failure", **values)
    try:
        send_to_hr(f"failure-{flow_run.id}", subject, text, None)
    except Exception as e:  # a broken relay must not hide the original failure
        print(f"osaava: could not mail HR about the failure: {type(e).__name__}: {e}")
