import cProfile
import os
import pstats

from projects import items


def test_prof(world):
    owner, project = world.members["owner"], world.extra["project"]
    for i in range(120):
        items.create_item(owner, project, title=f"Item {i}", points=3, tags=["a"])
    c = world.client("owner")
    path = os.environ.get("PROF_PATH", "/api/v1/workspaces/acme/items/WEB-10")
    c.get(path)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(30):
        c.get(path)
    pr.disable()
    st = pstats.Stats(pr)
    st.sort_stats("tottime").print_stats(25)
