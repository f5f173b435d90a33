#!/usr/bin/env python3
"""Test-only Docker Engine API replay server on a unix socket.

Answers the calls the real `docker` client makes for `service ls`,
`service inspect` and `version` from a fixture file: a JSON array of services
as the Engine API returns them (GET /services/{id}). The fixture is re-read
when it changes, so a test can move the "swarm" on between two snapshots.
Every request is appended to --log as "METHOD PATH" so tests can count them.

Usage: docker_replay.py --socket PATH --fixture FILE [--log FILE]
                        [--api-version 1.47] [--error STATUS MESSAGE]
                        [--vanish ID]...
--error makes every /services call answer STATUS {"message": MESSAGE}, as a
daemon that is not a swarm manager does; --vanish lists a service but answers
404 when it is inspected (removed between `ls` and `inspect`).
"""
import argparse
import http.server
import json
import os
import re
import signal
import socketserver
import sys
import threading
import urllib.parse

VERSIONED = re.compile(r"^/v(\d+\.\d+)(/.*)$")


class Fixture:
    def __init__(self, path):
        self.path = path
        self.stamp = None
        self.services = []
        self.lock = threading.Lock()

    def load(self):
        with self.lock:
            st = os.stat(self.path)
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            if stamp != self.stamp:
                with open(self.path, "rb") as f:
                    self.services = json.load(f)
                self.stamp = stamp
            return self.services


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "docker-replay"

    def log_message(self, format, *args):
        pass  # requests are logged by record(), errors are not interesting

    def address_string(self):
        return "unix"

    def record(self):
        opts = self.server.opts
        if opts.log:
            with self.server.log_lock, open(opts.log, "a") as log:
                log.write(f"{self.command} {self.path}\n")

    def reply(self, status, body, content_type="application/json", head=False):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Api-Version", self.server.opts.api_version)
        self.send_header("Ostype", "linux")
        self.send_header("Docker-Experimental", "false")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def error(self, status, message):
        self.reply(status, {"message": message})

    def do_HEAD(self):
        self.record()
        if urllib.parse.urlsplit(self.path).path == "/_ping":
            self.reply(200, b"", "text/plain; charset=utf-8", head=True)
        else:
            self.reply(404, b"", head=True)

    def do_GET(self):
        self.record()
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_ping":
            return self.reply(200, b"OK", "text/plain; charset=utf-8")
        match = VERSIONED.match(url.path)
        if not match:
            return self.error(404, "page not found")
        route = match.group(2)
        query = urllib.parse.parse_qs(url.query)
        if route == "/version":
            return self.reply(200, version_body(self.server.opts.api_version))
        if route == "/services" or route.startswith("/services/"):
            opts = self.server.opts
            if opts.error:
                return self.error(int(opts.error[0]), opts.error[1])
            services = self.server.fixture.load()
            if route == "/services":
                return self.reply(200, list_services(services, query))
            return self.inspect(services, urllib.parse.unquote(route[len("/services/"):]))
        return self.error(404, "page not found")

    def inspect(self, services, ref):
        # As the daemon resolves a reference: full ID, then name, then ID prefix.
        found = [s for s in services if s["ID"] == ref]
        found = found or [s for s in services if s["Spec"]["Name"] == ref]
        found = found or [s for s in services if s["ID"].startswith(ref)]
        if len(found) > 1:
            return self.error(400, f"service {ref} is ambiguous ({len(found)} matches found)")
        if not found or found[0]["ID"] in self.server.opts.vanish:
            return self.error(404, f"service {ref} not found")
        return self.reply(200, found[0])


def list_services(services, query):
    out = []
    for service in services:
        item = dict(service)
        if query.get("status") == ["true"]:
            # The daemon counts tasks; the replay says all are running.
            item["ServiceStatus"] = {"RunningTasks": 1, "DesiredTasks": 1, "CompletedTasks": 0}
        out.append(item)
    return out


def version_body(api_version):
    return {
        "Platform": {"Name": "docker-replay"},
        "Version": "28.2.2",
        "ApiVersion": api_version,
        "MinAPIVersion": "1.24",
        "Os": "linux",
        "Arch": "amd64",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--log")
    parser.add_argument("--api-version", default="1.47")
    parser.add_argument("--error", nargs=2, metavar=("STATUS", "MESSAGE"))
    parser.add_argument("--vanish", action="append", default=[])
    opts = parser.parse_args()

    # The test ends us with SIGTERM: leave through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = Server(opts.socket, Handler)
    server.opts = opts
    server.fixture = Fixture(opts.fixture)
    server.log_lock = threading.Lock()
    # Bound and listening: tell the test, in one write, and say nothing more.
    os.write(sys.stdout.fileno(), b"ready\n")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    try:
        server.serve_forever()
    finally:
        os.unlink(opts.socket)


if __name__ == "__main__":
    sys.exit(main())
