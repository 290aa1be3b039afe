"""Documentation moves with the code."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_tool():
    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "tools" / "update_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_odd_parameter_tables_match_the_code():
    tool = load_tool()
    text = (ROOT / "docs" / "ODD.md").read_text()
    assert tool.updated(text) == text, "docs/ODD.md is stale: run python tools/update_docs.py"


def test_odd_has_the_seven_parts():
    text = (ROOT / "docs" / "ODD.md").read_text()
    for part in ("## 1. Purpose and patterns", "## 2. Entities, state variables and scales",
                 "## 3. Process overview and scheduling", "## 4. Design concepts", "## 5. Initialisation",
                 "## 6. Input data", "## 7. Submodels"):
        assert part in text
