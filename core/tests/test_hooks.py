"""Declared reactions (core.hooks): every hook and its subscribers, in the order they run; a
subscriber's exception fails the write that emitted the hook; nothing undeclared, mistyped or
outside a transaction is emitted."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from core import hooks
from goals.models import ProgressSource
from goals.services import key_results
from product.models import RequirementStatus
from product.services import releases, requirements
from projects.hooks import WorkItemsChanged, WorkItemStatesChanged
from projects.models import State
from projects.queries import get_item_by_id
from projects.services import items

# Adding, removing or reordering a hook or a subscriber updates this table.
EXPECTED = {
    "comment.added": ["notify.triggers.tell_watchers_of_comment"],
    "comment.mentioned": ["notify.triggers.tell_mentioned"],
    "requirement.items_changed": ["goals.services.key_results.follow_requirement_items"],
    "work_item.created": ["goals.services.key_results.follow_items"],
    "work_item.deleted": ["goals.services.key_results.follow_items"],
    "work_item.estimate_changed": ["goals.services.key_results.follow_items"],
    "work_item.moved": ["goals.services.key_results.follow_items"],
    "work_item.restored": ["goals.services.key_results.follow_items"],
    "work_item.state_changed": ["product.services.releases.follow_work", "goals.services.key_results.follow_states"],
}


def test_every_hook_with_its_subscribers_in_the_order_they_run() -> None:
    table = {h.name: [f"{s.__module__}.{s.__qualname__}" for s in h.subscribers] for h in hooks.declared()}
    assert table == EXPECTED
    assert all(h.doc for h in hooks.declared())


def test_an_undeclared_hook_is_neither_emitted_nor_subscribed_to() -> None:
    with pytest.raises(hooks.UndeclaredHook):
        hooks.emit("work_item.renamed", WorkItemsChanged(None, (1,)))  # type: ignore[arg-type]
    with pytest.raises(hooks.UndeclaredHook):
        hooks.subscribe("work_item.renamed", print)


@pytest.mark.django_db
def test_a_payload_of_another_type_is_refused() -> None:
    with pytest.raises(TypeError, match="WorkItemStatesChanged"), transaction.atomic():
        hooks.emit("work_item.state_changed", WorkItemsChanged(None, (1,)))  # type: ignore[arg-type]


def test_a_hook_is_emitted_only_inside_a_transaction() -> None:
    # No database access: this test runs outside any atomic block.
    with pytest.raises(transaction.TransactionManagementError):
        hooks.emit("work_item.created", WorkItemsChanged(None, (1,)))  # type: ignore[arg-type]


@dataclass
class Mutable:
    item_ids: tuple[int, ...]


def test_a_payload_is_a_frozen_dataclass_and_a_name_has_one_type() -> None:
    with pytest.raises(ImproperlyConfigured):
        hooks.declare("test.mutable", Mutable, doc="")
    with pytest.raises(ImproperlyConfigured):
        hooks.declare("work_item.created", WorkItemStatesChanged, doc="")
    assert "test.mutable" not in {h.name for h in hooks.declared()}


class Refused(Exception):
    pass


def refuse(change: Any) -> None:
    raise Refused()


@pytest.fixture
def refusing_subscriber() -> Iterator[None]:
    """A subscriber that raises, after the real ones (product's and goals')."""
    hooks.subscribe("work_item.state_changed", refuse)
    yield
    hooks.unsubscribe("work_item.state_changed", refuse)


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


def test_a_failing_subscriber_rolls_the_write_and_what_follows_it_back(world: Any, refusing_subscriber: None) -> None:
    owner, item = world.actor("owner"), world.extra["item"]
    requirement = requirements.create_requirement(owner, world.extra["product"], title="Sign-up in one step")
    requirements.move_status(None, requirement, RequirementStatus.APPROVED)
    releases.plan(owner, requirement, release_id=world.extra["release"].pk, version=requirement.version)
    requirements.link_item(owner, requirement, item_key=item.key)
    kr = world.extra["child_key_result"]
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, source=ProgressSource.WORK_COUNT)
    key_results.link_work(world.actor("member"), fresh(kr), work_item_id=item.pk)
    objective = world.extra["child_objective"]
    before = (fresh(item).state_id, fresh(requirement).status, fresh(kr).progress, fresh(objective).progress)
    assert before[1:] == (RequirementStatus.PLANNED, 0.0, 0.0)
    done = State.objects.get(workflow__project=world.extra["project"], workflow__name="Scrum", name="Done")

    with pytest.raises(Refused):
        items.transition(owner, get_item_by_id(owner, item.pk), state_id=done.pk)
    assert (fresh(item).state_id, fresh(requirement).status, fresh(kr).progress, fresh(objective).progress) == before

    hooks.unsubscribe("work_item.state_changed", refuse)
    items.transition(owner, get_item_by_id(owner, item.pk), state_id=done.pk)
    after = (fresh(item).state_id, fresh(requirement).status, fresh(kr).progress, fresh(objective).progress)
    assert after == (done.pk, RequirementStatus.IN_PROGRESS, 100.0, 100.0)
