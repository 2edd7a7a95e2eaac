"""The studio from an empty folder, over HTTP: a project started, a report imported in
the background with its progress, and the review settled (themes, lists, towns)."""

from __future__ import annotations

import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from running import Answer, Studio, studio

from conftest import run_cli

sys.path.insert(0, str(Path(__file__).parents[1] / "fixtures" / "import"))
import make_shapes


def upload_async(running: Studio, path: Path, report: str) -> Answer:
    """The upload as the import page sends it: multipart, asking for a job."""
    boundary = uuid.uuid4().hex
    part = "\r\nContent-Disposition: form-data; name="
    head = (
        f'--{boundary}{part}"report"\r\n\r\n{report}\r\n'
        f'--{boundary}{part}"file"; filename="{path.name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    )
    body = head.encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "X-CSRF-Token": running.token,
        "Prefer": "respond-async",
    }
    request = urllib.request.Request(running.url + "/api/import", body, headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return Answer(response.status, dict(response.headers), response.read())


def wait_for(running: Studio, status: str) -> dict[str, Any]:
    """The job's states until it is done (polled with a deadline, as the page does)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state: dict[str, Any] = running.get(status).json
        assert 0 <= state["step"] <= state["steps"] == 4
        if state["done"]:
            return state
        time.sleep(0.05)
    raise AssertionError("the import never finished")


def test_an_empty_folder_is_started_imported_and_reviewed(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    source = make_shapes.make_txt("harvest", tmp_path / "harvest.txt")
    with studio(root) as running:
        assert running.get("/api/briefs").status == 409  # no project yet: says how to start
        assert running.request("POST", "/api/start", {"organisation": "X"}).status == 403
        refused = running.write("POST", "/api/start", {"organisation": "  "})
        assert refused.status == 422 and "empty" in refused.json["error"]
        started = running.write("POST", "/api/start", {"organisation": "Harvest Rights Network"})
        assert started.status == 201 and started.json["next"] == "/import"
        assert "Harvest Rights Network" in (root / "briefpress.yaml").read_text("utf-8")
        assert running.write("POST", "/api/start", {"organisation": "Again"}).status == 409

        job = upload_async(running, source, "harvest")
        assert job.status == 202
        state = wait_for(running, job.json["status"])
        assert state["result"]["report"] == "harvest" and state["result"]["verified"]
        assert running.get("/api/import/nothing-like-it").status == 404

        review = running.get("/api/reports/harvest/review").json
        assert {t["name"] for t in review["towns"]} >= {"Oskavel", "Druvenna", "Pellinor"}
        left = review["left"]
        themes = next(f for f in review["fields"] if f["field"] == "themes")
        findings = next(f for f in review["fields"] if f["field"] == "findings")
        assert themes["kind"] == findings["kind"] == "list"
        api = "/api/reports/harvest"
        assert running.write("POST", f"{api}/themes", {"name": "Heat"}).status == 201
        text = (root / "reports/harvest/themes.yaml").read_text("utf-8")
        assert "themes:\n  - id: heat\n    name: Heat\n" in text and "TO WRITE" not in text
        empty = {"file": findings["file"], "line": findings["line"], "value": []}
        assert running.write("POST", f"{api}/fields", empty).status == 200
        assert (root / findings["file"]).read_text("utf-8").endswith("findings: []\n")

        folded = running.write("POST", f"{api}/fold", {"towns": ["oskavel"], "name": "Estrenia"})
        assert folded.status == 422  # its organisation also speaks in Druvenna
        both = {"towns": ["oskavel", "druvenna"], "name": "Estrenia"}
        assert running.request("POST", f"{api}/fold", both).status == 403
        folded = running.write("POST", f"{api}/fold", both)
        assert folded.status == 200 and folded.json["place"] == "estrenia"
        after = running.get(f"{api}/review").json
        # themes and findings settled; two towns' items ticked and their summaries gone
        assert after["left"] == left - 2 - 2 - 2
        assert running.write("POST", "/api/undo").json["undone"] == folded.json["undo"]
        assert 'id: "oskavel"' in (root / "reports/harvest/countries.yaml").read_text("utf-8")


def test_a_folder_with_other_files_is_not_made_a_project(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli(["-C", str(tmp_path), "studio", "--port", "0"])
    assert result.code == 1 and "not a briefpress project" in result.err


def test_a_project_is_started_and_towns_merged_without_javascript(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    source = make_shapes.make_txt("harvest", tmp_path / "harvest.txt")
    with studio(root) as running:
        refused = running.form("/start", {"csrf_token": running.token, "organisation": ""})
        assert refused.status == 422 and b"organisation name is empty" in refused.body.lower()
        started = running.form("/start", {"csrf_token": running.token, "organisation": "HRN"})
        assert started.status == 303 and started.headers["location"] == "/import"
        job = upload_async(running, source, "harvest")
        assert wait_for(running, job.json["status"])["result"]["verified"]

        page = "/reports/harvest/review"
        token = ("csrf_token", running.token)
        none = running.form("/reports/harvest/fold", [token, ("name", "Estrenia")])
        assert none.status == 422 and b"Choose the towns to merge." in none.body
        fields = [token, ("towns", "oskavel"), ("towns", "druvenna"), ("name", "Estrenia")]
        merged = running.form("/reports/harvest/fold", fields)
        assert merged.status == 303
        assert merged.headers["location"] == f"{page}?done=merged&id=estrenia"
        shown = running.get(merged.headers["location"]).body.decode()
        assert "Merged the towns into estrenia." in shown and 'value="oskavel"' not in shown
        theme = [token, ("back", page), ("name", "Heat")]  # the review's theme row
        added = running.form("/reports/harvest/new/themes", theme)
        assert added.status == 303 and added.headers["location"].startswith(f"{page}?done=added")
        review = running.get(f"/api{page}").json
        assert not [f for f in review["fields"] if f["field"] == "themes"]
        findings = next(f for f in review["fields"] if f["field"] == "findings")
        empty = [token, ("file", findings["file"]), ("line", str(findings["line"])), ("empty", "1")]
        assert running.form("/reports/harvest/fields", empty).status == 303
        assert (root / findings["file"]).read_text("utf-8").endswith("findings: []\n")
