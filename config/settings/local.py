"""Development on a laptop: SQLite, debug on, mail to the console."""

from .base import *  # noqa: F401

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Serve static files from the apps' folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
