"""The real portal in a subprocess (waitress), for tests and the load benchmark.

    with Portal(tmp / "data", units=3) as p:      # nianbao serve DATA --port 0, units with links, the year set
        p.upload(p.tokens[0], data, "年报.xlsx")   # an HTTP client as a browser is: cookie, CSRF token, multipart

Also a command run in its own process (Django can be configured once per process):
``python serverctl.py setup DATA --units N --year Y [--database URL]`` prints the tokens as JSON;
``python serverctl.py verify DATA [--database URL]`` prints every stored version and whether its blob is intact.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

YEAR = 2024
HERE = Path(__file__).parent


def unit_name(i: int) -> str:
    return f"示例县第{i + 1:04d}单位"


def fresh_database() -> str | None:
    """A new, empty PostgreSQL database when NIANBAO_TEST_DATABASE_URL is set (each server its own); else None."""
    url = os.environ.get("NIANBAO_TEST_DATABASE_URL")
    if not url:
        return None
    import psycopg

    name = "nianbao_srv_" + secrets.token_hex(4)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlsplit(url)._replace(path="/" + name).geturl()


def _run(*args: str, database: str | None) -> str:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args] + (["--database", database] if database else [])
    result = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"serverctl {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Client:
    """One browser-like HTTP client: keeps cookies, reads the CSRF token from the page it opened."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as r:
                body = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if m:
            self.csrf = m.group(1).decode()
        return status, body

    def post_file(self, path: str, data: bytes, name: str, timeout: float = 60) -> tuple[int, bytes]:
        boundary = "----nianbao" + secrets.token_hex(8)
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{self.csrf}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
        body = head + data + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "HX-Request": "true",
            "X-CSRFToken": self.csrf, "Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()


class Portal:
    """``nianbao serve DATA --port 0`` in a subprocess, with ``units`` units, their links and the year set."""

    def __init__(self, data: Path | None, units: int = 3, database: str | None = None, extra: tuple[str, ...] = (),
                 setup: bool = True):
        self.data, self.n_units, self.extra = (Path(data) if data else None), units, extra
        self.database = database if database is not None else fresh_database()
        self.tokens: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.setup = setup

    def __enter__(self):
        if self.setup:
            self.tokens = json.loads(_run("setup", str(self.data), "--units", str(self.n_units), database=self.database))
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        cmd = [sys.executable, "-m", "nianbao", "serve", *([str(self.data)] if self.data else []), "--port", "0", *self.extra]
        if self.database:
            cmd += ["--database", self.database]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 120
        lines = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"正在运行：(http://[^/\s]+/)", line)
            if m:
                self.url = m.group(1).rstrip("/")
                return
        raise AssertionError("the server did not start:\n" + "".join(lines))

    def kill(self) -> None:
        """kill -9: no cleanup of any kind, as a power cut or the task manager."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()

    def client(self) -> Client:
        return Client(self.url)

    def upload(self, token: str, data: bytes, name: str = "年报.xlsx", client: Client | None = None) -> tuple[int, bytes]:
        c = client or self.client()
        c.get(f"/u/{token}/")
        return c.post_file(f"/u/{token}/upload", data, name)

    def verify(self) -> list[dict]:
        return json.loads(_run("verify", str(self.data), database=self.database))


# --- the commands, run in their own process -------------------------------------------------------------


def _setup(data: Path, units: int, database: str | None) -> None:
    from nianbao.serve.server import prepare, set_admin

    prepare(data, database=database)
    from nianbao.serve import links
    from nianbao.serve.models import Unit
    from nianbao.serve.store import portal

    p = portal()
    p.year, p.title = YEAR, "示例县"
    p.save()
    set_admin("admin", "县里的密码-2024")
    tokens = []
    for i in range(units):
        unit = Unit.objects.create(name=unit_name(i), level="县级部门", order=i)
        tokens.append(links.issue(unit))
    print(json.dumps(tokens))


def _verify(data: Path, database: str | None) -> None:
    from nianbao.serve.server import prepare

    prepare(data, database=database)
    from nianbao.serve.models import Submission
    from nianbao.serve.store import blob_store

    store = blob_store()
    out = []
    for sub in Submission.objects.select_related("unit").order_by("unit__order", "version"):
        intact = store.exists(sub.blob) and hashlib.sha256(store.read(sub.blob)).hexdigest() == sub.blob
        out.append({"unit": sub.unit.name, "version": sub.version, "sha256": sub.blob, "size": sub.size,
                    "intact": intact, "state": sub.state})
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "verify"])
    parser.add_argument("data", type=Path)
    parser.add_argument("--units", type=int, default=3)
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.command == "setup":
        _setup(args.data, args.units, args.database)
    else:
        _verify(args.data, args.database)
