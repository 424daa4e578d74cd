import time

from projects import items
from projects.models import State


def test_perf(world):
    owner, project = world.members["owner"], world.extra["project"]
    for i in range(200):
        items.create_item(
            owner,
            project,
            title=f"Item {i}",
            points=3,
            estimate_hours=5,
            tags=["a", "b"],
            owner_id=world.users["owner"].pk,
        )
    c = world.client("owner")
    todo = State.objects.get(workflow__project=project, workflow__name="Scrum", name="To do").pk
    doing = State.objects.get(workflow__project=project, workflow__name="Scrum", name="In progress").pk
    base = "/api/v1/workspaces/acme"
    flip = [0]

    def transition():
        flip[0] += 1
        return c.post(
            f"{base}/items/WEB-10/transition",
            {"state_id": doing if flip[0] % 2 else todo},
            content_type="application/json",
        )

    ops = {
        "me": lambda: c.get("/api/v1/me"),
        "backlog": lambda: c.get(f"{base}/projects/WEB/items?limit=100"),
        "my_work": lambda: c.get(f"{base}/my-work?limit=100"),
        "item": lambda: c.get(f"{base}/items/WEB-10"),
        "history": lambda: c.get(f"{base}/objects/work_item/10/history"),
        "board": lambda: c.get(f"{base}/projects/WEB/board"),
        "create": lambda: c.post(f"{base}/projects/WEB/items", {"title": "x"}, content_type="application/json"),
        "transition": transition,
    }
    for name, op in ops.items():
        r = op()
        assert r.status_code in (200, 201), (name, r.content[:300])
        t = time.process_time()
        for _ in range(40):
            op()
        print(f"PERF {name:12s} {(time.process_time() - t) / 40 * 1000:6.1f} ms cpu")
