"""`python -m warroom` is the `warroom` command."""

from .cli import main

main()
