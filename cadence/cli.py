"""The `cadence` console script: Django's management commands under one name.

`cadence serve`, `cadence worker`, `cadence demo`, `cadence createadmin`, `cadence backup`,
`cadence restore`, and every other management command (`cadence migrate`, ...).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cadence", *sys.argv[1:]])


if __name__ == "__main__":
    main()
