"""Background work: the queue `elp worker` takes jobs from, the record of each job's run
(so one whose worker died is retried or marked failed, and admins see the failures), and
the locks that let one node at a time run each timer (decision 29)."""
