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


def test_local_links_in_the_readme_and_the_teaching_guide_exist():
    import re

    for doc in (ROOT / "README.md", ROOT / "docs" / "TEACHING.md", ROOT / "benchmarks" / "README.md"):
        text = doc.read_text()
        links = re.findall(r"\]\(([^)#\s]+)\)", text)
        local = [link for link in links if not re.match(r"[a-z]+://", link)]
        assert local or doc != ROOT / "README.md"
        missing = [link for link in local if not (doc.parent / link).exists()]
        assert not missing, (doc.name, missing)


def test_the_teaching_guide_names_the_notebook_sections_it_uses():
    import json
    import re

    guide = (ROOT / "docs" / "TEACHING.md").read_text()
    book = json.loads((ROOT / "notebooks" / "01_ovop_dynamics.ipynb").read_text())
    headings = {line[3:].strip() for cell in book["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("## ")}
    # "the notebook's sections *A*, *B* and *C*", "the notebook's last section, *D*"
    runs = re.findall(r"notebook's (?:last )?sections?,? ((?:\*[^*]+\*(?:, | and )?)+)", guide)
    cited = {name for run in runs for name in re.findall(r"\*([^*]+)\*", run)}
    assert len(cited) >= 4 and cited <= headings, cited - headings
