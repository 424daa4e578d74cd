"""The demo's OKRs: `cadence demo` builds them through the services."""

import datetime
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Workspace
from goals import smart
from goals.models import CheckIn, Cycle, CycleStatus, KeyResult, Objective, ObjectiveLevel, ProgressSource


def test_demo_has_a_company_to_personal_tree_with_weeks_of_check_ins(db: Any) -> None:
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    today = timezone.localdate()
    active = Cycle.objects.get(workspace=workspace, status=CycleStatus.ACTIVE)
    assert active.start_date <= today <= active.end_date and active.kind == "quarter"

    # One chain runs from the company down to a person, each level aligned to the one above.
    personal = Objective.objects.filter(cycle=active, level=ObjectiveLevel.PERSONAL, parent__isnull=False)
    chains = []
    for objective in personal:
        chain = [objective.level]
        while objective.parent_id:
            objective = objective.parent
            chain.append(objective.level)
        chains.append(chain[::-1])
    assert ["company", "department", "team", "personal"] in chains
    company = Objective.objects.filter(cycle=active, level=ObjectiveLevel.COMPANY, children__level="department")[0]
    assert company.rolled_up is not None and 0 < company.rolled_up < 100

    # Weeks of check-ins: one every Friday since the quarter began, dated then.
    fridays = sum(
        1
        for n in range((today - active.start_date).days + 1)
        if (active.start_date + datetime.timedelta(days=n)).weekday() == 4
    )
    checked = KeyResult.objects.filter(objective__cycle=active, source=ProgressSource.CHECK_INS)
    for key_result in checked:
        dates = list(CheckIn.objects.filter(key_result=key_result).values_list("created_at", flat=True))
        assert len(dates) == fridays, key_result.title
        assert all(timezone.localtime(d).weekday() == 4 for d in dates)
    assert KeyResult.objects.filter(
        objective__cycle=active, source=ProgressSource.WORK_ESTIMATE, progress__gt=0
    ).exists()

    # Last quarter is closed and scored; the next is planned.
    closed = Cycle.objects.get(workspace=workspace, status=CycleStatus.CLOSED)
    assert closed.end_date < active.start_date
    assert not Objective.objects.filter(cycle=closed, score__isnull=True).exists()
    assert Cycle.objects.filter(
        workspace=workspace, status=CycleStatus.PLANNED, start_date__gt=active.end_date
    ).exists()

    # The vaguely worded objective gives the SMART check something to say.
    vague = Objective.objects.get(cycle=active, title="提升用户满意度")
    assert "specific" in {f.code for f in smart.check_text(vague.title)}
    undated = vague.key_results.get()
    findings = smart.check_key_result(
        title=undated.title,
        metric=undated.metric,
        start_value=undated.start_value,
        target_value=undated.target_value,
        owner_id=undated.owner_id,
        due_date=undated.due_date,
        cycle=active,
    )
    assert [f.code for f in findings] == ["time_bound"]
