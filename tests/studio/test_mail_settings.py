"""The mail settings form: mail: in briefpress.yaml written as a person would, refused
with the reason when check would refuse it, and never a password."""

from __future__ import annotations

from pathlib import Path

from running import studio

from briefpress.studio.team import roles_for


def test_mail_settings_are_written_checked_and_refused(cities: Path) -> None:
    config = cities / "briefpress.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# our server, ask IT\n")
    with studio(cities) as running:
        shown = running.get("/api/sending/settings").json
        assert shown["settings"]["host"] == "" and shown["etag"]
        values = {
            "host": "smtp.example.org",
            "port": "587",
            "security": "starttls",
            "username": "team@example.org",
            "from": "Advocacy Team <team@example.org>",
            "etag": shown["etag"],
        }
        saved = running.write("POST", "/api/sending/settings", values)
        assert saved.status == 200, saved.body
        text = config.read_text(encoding="utf-8")
        assert "# our server, ask IT" in text and "mail:" in text
        assert "  host: smtp.example.org" in text and "  port: 587" in text
        assert "password" not in text

        before = config.read_bytes()
        refused = running.write(
            "POST",
            "/api/sending/settings",
            {"security": "none", "from": "not an address", "etag": saved.json["etag"]},
        )
        assert refused.status == 422
        messages = " ".join(p["message"] for p in refused.json["problems"])
        assert "unencrypted" in messages and "from" in messages
        assert config.read_bytes() == before  # nothing written

        stale = running.write("POST", "/api/sending/settings", {**values, "host": "x.example"})
        assert stale.status == 409 and config.read_bytes() == before
        page = running.get("/sending").body.decode()
        assert 'value="smtp.example.org"' in page and 'type="password"' not in page
    assert roles_for("/api/sending/settings") == {"sender"}


def test_a_project_without_briefpress_yaml_gets_one_from_the_form(cities: Path) -> None:
    config = cities / "briefpress.yaml"
    config.unlink(missing_ok=True)
    with studio(cities) as running:
        assert running.get("/sending").status == 200  # its defaults, not an error page
        shown = running.get("/api/sending/settings").json
        assert shown["settings"]["host"] == "" and shown["etag"] is None
        values = {"host": "127.0.0.1", "security": "none", "from": "team@example.org"}
        saved = running.write("POST", "/api/sending/settings", values)
        assert saved.status == 200, saved.body
    assert config.read_text(encoding="utf-8").startswith('mail:\n  host: "127.0.0.1"\n')
