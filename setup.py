"""The wheel carries the checked-in add-in build, addin/nianbao.xlam, as nianbao/addin/nianbao.xlam.

Everything else about the package is declared in pyproject.toml. The add-in lives in addin/
(beside its sources, where ``nianbao addin build`` writes it and the tests compare it), so it
is copied into the package at build time instead of being checked in twice. MANIFEST.in puts
it in the sdist, so a wheel built from the sdist (as ``uv build`` and ``python -m build`` do)
gets it too. An editable install reads it from addin/ directly (nianbao.xlstart.packaged_addin).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ADDIN = Path("addin", "nianbao.xlam")


class build_py_with_addin(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib, "nianbao", "addin", ADDIN.name)
            self.mkpath(str(target.parent))
            self.copy_file(str(ADDIN), str(target))


setup(cmdclass={"build_py": build_py_with_addin})
