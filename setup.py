"""Package layout that pyproject.toml alone cannot say: the top-level `glossary/` folder ships
inside the wheel as `pipeline/shipped_glossary/`, so a normal install finds the term base."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["pipeline", "pipeline.*"]) + ["pipeline.shipped_glossary"],
    package_dir={"pipeline.shipped_glossary": "glossary"},
    package_data={"pipeline": ["py.typed"], "pipeline.shipped_glossary": ["*.tsv"]},
)
