"""`python -m elp`: the `elp` command (what `elp run` starts its worker with)."""

from elp.cli import main

main()
