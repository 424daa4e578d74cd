"""The kinds of typed link between any two registered objects, declared in one place.

A link points from a source to a target: "WEB-3 blocks WEB-7". `label` is what the source's page
shows, `inverse_label` what the target's page shows ("is blocked by"); a kind without an inverse
reads the same from both ends. A later module declares its own kinds (`decided_in`, `mitigates`)
in a module its AppConfig declares, as it declares capabilities. The writes are core.services.link/unlink.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.labels import FIELD_LABELS
from core.permissions import MEMBERS, declare

# Linking needs this, the edit capability of the source's type and the right to see the target;
# unlinking needs this and the edit capability of either end's type, with both ends visible.
declare("link.create", MEMBERS)


@dataclass(frozen=True)
class LinkKind:
    name: str
    label: Any  # lazy translations
    inverse: str  # the name history records on the target's side
    inverse_label: Any

    @property
    def symmetric(self) -> bool:
        return self.inverse == self.name


_kinds: dict[str, LinkKind] = {}


def declare_kind(name: str, *, label: Any, inverse: str | None = None, inverse_label: Any = None) -> LinkKind:
    """Declare a kind of link; `inverse`/`inverse_label` name it from the target's side."""
    if (inverse is None) != (inverse_label is None):
        raise ValueError("A kind names both its inverse and the inverse's label, or neither.")
    kind = LinkKind(name, label, inverse or name, inverse_label if inverse_label is not None else label)
    _kinds[name] = kind
    # History shows the kind, from either side, as a changed field (a label declared there wins).
    FIELD_LABELS.setdefault(kind.name, kind.label)
    FIELD_LABELS.setdefault(kind.inverse, kind.inverse_label)
    return kind


def get_kind(name: str) -> LinkKind | None:
    return _kinds.get(name)


def all_kinds() -> list[LinkKind]:
    return list(_kinds.values())


declare_kind("relates_to", label=_("Relates to"))
declare_kind("blocks", label=_("Blocks"), inverse="blocked_by", inverse_label=_("Is blocked by"))
declare_kind("duplicates", label=_("Duplicates"), inverse="duplicated_by", inverse_label=_("Is duplicated by"))
