"""No network access anywhere: no networking imports in src/, no connection while the API runs."""

from __future__ import annotations

import ast
import datetime as dt
import socket
from pathlib import Path

import pandas as pd
import pytest

import nikmatch
from nikmatch.check import check_niks
from nikmatch.export import write_csv, write_xlsx
from nikmatch.nik import validate_nik
from nikmatch.privacy import pseudonymize_frame

NETWORK_MODULES = {"socket", "urllib", "http", "requests", "httpx", "ftplib", "smtplib",
                   "xmlrpc", "aiohttp", "urllib3", "telnetlib", "ssl", "websocket"}
SRC = Path(nikmatch.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_networking_module_is_imported_by_the_package() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) >= 5
    offenders = {str(p.relative_to(SRC)): sorted(_imported_modules(p) & NETWORK_MODULES)
                 for p in files if _imported_modules(p) & NETWORK_MODULES}
    assert offenders == {}


def test_public_api_runs_with_the_network_cut_off(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    df = pd.DataFrame({"nik": ["1871015708450001", "x"], "nama": ["Siti", "=1+1"]})
    validate_nik("1871015708450001", reference_date=dt.date(2024, 1, 1))
    check_niks(df, reference_date=dt.date(2024, 1, 1))
    pseudonymize_frame(df, b"0123456789abcdef")
    write_csv(df, tmp_path / "a.csv")
    write_xlsx(df, tmp_path / "a.xlsx")
    assert attempts == []
