"""The libyaml-backed reader gives what PyYAML's safe loader gives, and stays safe."""

from pathlib import Path

import pytest
import yaml
from reintegration.yamlfile import parse_yaml, read_yaml

REPO = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    p for p in [*REPO.glob("config/**/*.yaml"), *REPO.glob("workflow/**/*.yaml")] if p.is_file()
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_repository_yaml_reads_as_with_the_safe_loader(path):
    assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_scalars_resolve_as_yaml_1_1_safe_types():
    value = parse_yaml("a: 1\nb: 1.5\nc: yes\nd: 2020-07-01\ne: '007'\nf: ~\n")
    assert value == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": yaml.safe_load("2020-07-01"),
        "e": "007",
        "f": None,
    }


def test_python_tags_are_refused():
    with pytest.raises(yaml.constructor.ConstructorError):
        parse_yaml("!!python/object/apply:os.system ['true']")
