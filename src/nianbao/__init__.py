"""nianbao（年报）: the annual report on government information disclosure — template, checks, merge, text, export.

``__version__`` is the one place the version is written: pyproject.toml reads it for the
package, ``nianbao addin build`` writes it into the add-in, and every ribbon button passes
it back so a stale add-in says so (nianbao.excel).
"""

__version__ = "0.1.0"
