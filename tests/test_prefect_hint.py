"""Flow-running commands say once how to avoid Prefect's temporary server."""

from __future__ import annotations

from chromdiff.cli import prefect_hint as ph


def test_said_once_without_a_server(monkeypatch, capsys):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(ph, "_shown", False)
    ph.prefect_hint()
    ph.prefect_hint()
    err = capsys.readouterr().err
    assert err.count("PREFECT_API_URL") == 2 and err.count("note:") == 1  # one line, once
    assert "prefect server start" in err and "export PREFECT_API_URL=" in err


def test_silent_with_a_server(monkeypatch, capsys):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setattr(ph, "_shown", False)
    ph.prefect_hint()
    assert capsys.readouterr().err == ""
