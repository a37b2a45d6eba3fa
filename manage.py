#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- settings must be chosen before Django is imported

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
