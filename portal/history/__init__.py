"""History kept by the database (issue 21, item 7): django-pghistory event models, the request /
command / task context that names the actor, and the change log's reads. See docs/history.md."""
