#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django  # noqa: PLC0415 -- settings must be chosen before Django is imported
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- as above

    django.setup()
    from portal.history.context import recorded_as  # noqa: PLC0415 -- needs the apps loaded

    # A command's changes (an import, a fix in `shell`) name the command in the history.
    with recorded_as(f"command:{sys.argv[1] if len(sys.argv) > 1 else ''}"):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
