"""python -m nianbao … : the same as the nianbao command."""

from .cli import main

main()
