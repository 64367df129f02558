"""Ships the top-level profiles/ tree (demo cards, plan catalogue) inside the wheel as esimctl/profiles.

The data lives at the top of the repository so that it is easy to find and review; a non-editable
install still needs it inside the package, so build_py copies it there.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithProfiles(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "profiles"
        target = Path(self.build_lib) / "esimctl" / "profiles"
        shutil.rmtree(target, ignore_errors=True)  # a file deleted from profiles/ must not linger in build/
        shutil.copytree(source, target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithProfiles})
