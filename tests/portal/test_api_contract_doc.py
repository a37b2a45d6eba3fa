"""The API contract lives in the repository (issue 13, point 7): the README points at
docs/api.md, nothing points at a ../shared folder a new user does not have, and the contract and
the generated schema name the same paths."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "docs" / "api.md"


def test_the_readme_points_at_the_contract_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/api.md)" in readme and CONTRACT.exists()


def test_no_document_points_at_a_shared_folder_outside_the_repository():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert [p.name for p in documents if "shared/" in p.read_text(encoding="utf-8")] == []


def _contract_paths() -> set[str]:
    text = CONTRACT.read_text(encoding="utf-8")
    paths = {re.sub(r"\{[^}]+\}", "{id}", p.split("?")[0]) for p in re.findall(r"(/api/v1/[^\s`?]*)", text)}
    return {p if p.endswith("/") else p + "/" for p in paths}


@pytest.mark.django_db
def test_the_contract_and_the_schema_name_the_same_paths(client):
    schema = client.get("/api/schema/?format=json").json()
    schema_paths = {re.sub(r"\{[^}]+\}", "{id}", p) for p in schema["paths"]}
    assert sorted(schema_paths - _contract_paths()) == [], "endpoints missing from docs/api.md"
    assert sorted(_contract_paths() - schema_paths) == [], "docs/api.md names paths the API does not have"
