"""What a first visit downloads besides the page itself: the layout's stylesheets and scripts."""

import gzip
import re
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

LIMIT = 150 * 1024  # compressed, as a browser receives them
ASSETS = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script[^>]* src="([^"]+)"')


def test_the_css_and_js_of_a_first_load_stay_under_150_kb_compressed(world: Any) -> None:
    client = Client()
    client.force_login(world.users["owner"])
    html = client.get(f"/w/{world.acme.slug}/").content.decode()
    urls = [link or script for link, script in ASSETS.findall(html)]
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls), urls
    total = 0
    for url in urls:
        path = finders.find(url.split("?")[0].removeprefix(settings.STATIC_URL))
        assert path, f"{url} is not a static file"
        with open(path, "rb") as f:
            total += len(gzip.compress(f.read(), 6))
    assert total <= LIMIT, f"{total} bytes compressed in {urls}"
