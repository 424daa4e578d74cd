"""Progress from linked work (by count or by estimate): linked work = linked items ∪ items of
linked projects ∪ items implementing linked requirements, done = the done category, deleted work
does not count. It follows item transitions, bulk edits, new, deleted and moved items and new
estimates, and the objective's progress and the parent's roll-up follow it; closed cycles do not
move."""

from decimal import Decimal
from typing import Any

import pytest

from goals.models import CycleStatus, KeyResult, KeyResultLink, ProgressSource
from goals.services import key_results
from product.services import requirements
from projects.models import State
from projects.queries import get_item_by_id
from projects.services import items


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


def loaded(world: Any, item: Any) -> Any:
    """The item as the projects services want it: its project loaded with the owner's access."""
    return get_item_by_id(world.actor("owner"), item.pk)


def state(world: Any, name: str, project: Any = None) -> State:
    project = project or world.extra["project"]
    return State.objects.get(workflow__project=project, workflow__name="Scrum", name=name)


def fed(world: Any, source: str = ProgressSource.WORK_COUNT, **link: Any) -> KeyResult:
    """The child objective's key result, fed by linked work (its world link list starts empty)."""
    kr = world.extra["child_key_result"]
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, source=source)
    for name, value in link.items():
        key_results.link_work(world.actor("member"), fresh(kr), **{name: value})
    return fresh(kr)


def finish(world: Any, item: Any, name: str = "Done") -> None:
    items.transition(world.actor("owner"), loaded(world, item), state_id=state(world, name).pk)


def test_by_count_follows_transitions_of_linked_items(world: Any) -> None:
    kr = fed(world, project_id=world.extra["project"].pk)  # three items: Sign-up page, Design tokens, Launch
    assert kr.progress == 0.0
    finish(world, world.extra["item"])
    assert fresh(kr).progress == pytest.approx(100 / 3)
    child, parent = fresh(world.extra["child_objective"]), fresh(world.extra["objective"])
    assert child.progress == pytest.approx(100 / 3)
    assert parent.rolled_up == pytest.approx((50 + 100 / 3) / 2)
    finish(world, world.extra["item"], "In progress")  # reopened
    assert fresh(kr).progress == 0.0
    assert fresh(world.extra["objective"]).rolled_up == pytest.approx(25.0)


def test_bulk_edits_move_it_too(world: Any) -> None:
    kr = fed(world, project_id=world.extra["project"].pk)
    ids = [world.extra["item"].pk, world.extra["blocker"].pk]
    items.bulk_update(world.actor("owner"), world.extra["project"], item_ids=ids, state_id=state(world, "Done").pk)
    assert fresh(kr).progress == pytest.approx(200 / 3)
    items.bulk_update(world.actor("owner"), world.extra["project"], item_ids=ids, state_id=state(world, "To do").pk)
    assert fresh(kr).progress == 0.0


def test_new_and_deleted_items_of_a_linked_project_count_and_stop_counting(world: Any) -> None:
    kr = fed(world, project_id=world.extra["project"].pk)
    finish(world, world.extra["item"])
    new = items.create_item(world.actor("owner"), world.extra["project"], title="Pricing page")
    assert fresh(kr).progress == pytest.approx(25.0)
    items.delete_item(world.actor("owner"), loaded(world, new))
    assert fresh(kr).progress == pytest.approx(100 / 3)
    items.delete_item(world.actor("owner"), loaded(world, world.extra["item"]))  # the done one
    assert fresh(kr).progress == 0.0


def test_an_item_moved_out_of_a_linked_project_stops_counting(world: Any) -> None:
    kr = fed(world, project_id=world.extra["project"].pk)
    finish(world, world.extra["item"])
    item = loaded(world, world.extra["item"])
    items.move_item(world.actor("owner"), item, project=world.extra["ops"], version=item.version)
    assert fresh(kr).progress == 0.0


def test_linked_items_projects_and_requirements_are_counted_once(world: Any) -> None:
    requirement = world.extra["requirement"]
    owner = world.actor("owner")
    requirements.link_item(owner, requirement, item_key=world.extra["item"].key)
    requirements.link_item(owner, requirement, item_key=world.extra["blocked"].key)
    kr = fed(world, requirement_id=requirement.pk, work_item_id=world.extra["item"].pk)
    finish(world, world.extra["item"])
    assert fresh(kr).progress == 50.0  # two items, the shared one once
    key_results.link_work(world.actor("member"), fresh(kr), project_id=world.extra["project"].pk)
    assert fresh(kr).progress == pytest.approx(100 / 3)  # the project's three items


def test_linking_and_unlinking_move_it_at_once(world: Any) -> None:
    finish(world, world.extra["item"])
    kr = fed(world, work_item_id=world.extra["item"].pk)
    assert kr.progress == 100.0
    assert fresh(world.extra["child_objective"]).progress == 100.0
    link = KeyResultLink.objects.get(key_result=kr)
    key_results.unlink_work(world.actor("member"), kr, link)
    assert fresh(kr).progress == 0.0
    assert fresh(world.extra["child_objective"]).progress == 0.0


def test_by_estimate_weighs_story_points(world: Any) -> None:
    owner = world.actor("owner")
    for name, points in (("item", 5), ("blocker", 3), ("blocked", 2)):
        item = loaded(world, world.extra[name])
        items.update_item(owner, item, version=item.version, points=Decimal(points))
    kr = fed(world, ProgressSource.WORK_ESTIMATE, project_id=world.extra["project"].pk)
    finish(world, world.extra["item"])
    assert fresh(kr).progress == 50.0
    blocker = loaded(world, world.extra["blocker"])
    items.update_item(owner, blocker, version=blocker.version, points=Decimal(15))  # re-estimated
    assert fresh(kr).progress == pytest.approx(100 * 5 / 22)


def test_by_estimate_uses_hours_when_no_item_has_points(world: Any) -> None:
    owner = world.actor("owner")
    for name, hours in (("item", 6), ("blocker", 2)):
        item = loaded(world, world.extra[name])
        items.update_item(owner, item, version=item.version, estimate_hours=Decimal(hours))
    kr = fed(world, ProgressSource.WORK_ESTIMATE, project_id=world.extra["project"].pk)
    finish(world, world.extra["item"])
    assert fresh(kr).progress == 75.0  # 6 of 8 hours; the unestimated item weighs nothing


def test_by_estimate_without_any_estimate_counts_items(world: Any) -> None:
    kr = fed(world, ProgressSource.WORK_ESTIMATE, project_id=world.extra["project"].pk)
    finish(world, world.extra["item"])
    assert fresh(kr).progress == pytest.approx(100 / 3)


def test_results_fed_by_check_ins_do_not_follow_work(world: Any) -> None:
    kr = world.extra["key_result"]  # linked to the item, fed by check-ins (50 %)
    finish(world, world.extra["item"])
    assert fresh(kr).progress == 50.0


def test_a_closed_cycle_does_not_move(world: Any) -> None:
    kr = fed(world, project_id=world.extra["project"].pk)
    world.extra["cycle"].__class__.objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    finish(world, world.extra["item"])
    assert fresh(kr).progress == 0.0


def test_work_changed_reads_nothing_more_when_no_result_is_fed_by_work(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        assert key_results.work_changed([world.extra["item"].pk]) == 0


def test_work_changed_reads_a_bounded_number_of_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    def grow(n: int) -> list[int]:
        ids = []
        for i in range(n):
            item = items.create_item(world.actor("owner"), world.extra["project"], title=f"Task {i}")
            key_results.link_work(world.actor("member"), fresh(kr), work_item_id=item.pk)
            ids.append(item.pk)
        return ids

    kr = fed(world, project_id=world.extra["project"].pk)
    few = grow(3)
    with django_assert_max_num_queries(20) as small:
        key_results.work_changed(few)
    many = grow(27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        key_results.work_changed(few + many)


def test_items_linked_to_a_linked_requirement_later_count_at_once(world: Any) -> None:
    requirement, owner = world.extra["requirement"], world.actor("owner")
    finish(world, world.extra["item"])
    kr = fed(world, requirement_id=requirement.pk)
    assert kr.progress == 0.0  # the requirement has no work yet
    requirements.link_item(owner, requirement, item_key=world.extra["item"].key)
    assert fresh(kr).progress == 100.0
    requirements.link_item(owner, requirement, item_key=world.extra["blocked"].key)
    assert fresh(kr).progress == 50.0
    requirements.unlink_item(owner, requirement, item_key=world.extra["blocked"].key)
    assert fresh(kr).progress == 100.0
    assert fresh(world.extra["child_objective"]).progress == 100.0


def test_a_deleted_item_restored_from_the_trash_counts_again(world: Any) -> None:
    from core.models import TrashItem
    from core.services import restore

    kr = fed(world, project_id=world.extra["project"].pk)
    finish(world, world.extra["item"])
    items.delete_item(world.actor("owner"), loaded(world, world.extra["item"]))
    assert fresh(kr).progress == 0.0
    trashed = TrashItem.objects.get(target_type="work_item", target_id=world.extra["item"].pk)
    restore(world.actor("owner"), trashed)
    assert fresh(kr).progress == pytest.approx(100 / 3)
