#!/usr/bin/env python3
"""Test-only Docker Engine API replay server on a unix socket.

Answers the calls the real `docker` client makes for `service ls`,
`service inspect` and `version` from a fixture file: a JSON array of services
as the Engine API returns them (GET /services/{id}). The fixture is re-read
when it changes, so a test can move the "swarm" on between two snapshots.
Every request is appended to --log as "METHOD PATH" so tests can count them.

Usage: docker_replay.py --socket PATH --fixture FILE [--log FILE]
                        [--api-version 1.47] [--error STATUS MESSAGE]
                        [--vanish ID]... [--events FILE] [--stream-end hold|close]
--error makes every /services call answer STATUS {"message": MESSAGE}, as a
daemon that is not a swarm manager does; --vanish lists a service but answers
404 when it is inspected (removed between `ls` and `inspect`).

--events FILE is the daemon's event story: a JSON array of steps
{"event": <an Engine API event>, "services": [<services>]} in time order
("services", when present, is what /services serves from that event on).
GET /events with `until` answers the buffered events in [since, until] (of
the types its filters name) and ends, as the daemon does; without `until` it
streams the steps from `since` on in lockstep: each event is sent, the
services switch, and the next waits until that event's service has been
inspected (or 5 s), so a watcher sees each state. Then the stream is held
open (--stream-end hold) or ended (close, as a daemon restart ends it).
Without --events the buffer is empty.
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
import time
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


class Story:
    """The event steps, and which has been reached (what /services serves)."""

    def __init__(self, path, fixture):
        self.steps = []
        if path:
            with open(path, "rb") as f:
                self.steps = json.load(f)
        self.fixture = fixture
        self.cond = threading.Condition()
        self.inspected = set()  # service ids inspected since the last event sent

    def services(self):
        with self.cond:
            return self.served if hasattr(self, "served") else self.fixture.load()

    def reach(self, step):
        with self.cond:
            if "services" in step:
                self.served = step["services"]
            self.inspected.clear()

    def saw_inspect(self, ref):
        with self.cond:
            self.inspected.add(ref)
            self.cond.notify_all()

    def wait_inspect(self, event, seconds=5.0):
        actor = event.get("Actor", {})
        refs = {actor.get("ID"), actor.get("Attributes", {}).get("name")}
        with self.cond:
            self.cond.wait_for(lambda: self.inspected & refs, timeout=seconds)


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
        if route == "/events":
            return self.events(query)
        if route == "/services" or route.startswith("/services/"):
            opts = self.server.opts
            if opts.error:
                return self.error(int(opts.error[0]), opts.error[1])
            services = self.server.story.services()
            if route == "/services":
                return self.reply(200, list_services(services, query))
            ref = urllib.parse.unquote(route[len("/services/"):])
            try:
                return self.inspect(services, ref)
            finally:
                self.server.story.saw_inspect(ref)
        return self.error(404, "page not found")

    def events(self, query):
        story = self.server.story
        since = parse_time(query.get("since", [""])[0])
        until = parse_time(query.get("until", [""])[0])
        types = event_types(query.get("filters", ["{}"])[0])
        wanted = [step for step in story.steps
                  if (since is None or step["event"]["timeNano"] >= since)
                  and (until is None or step["event"]["timeNano"] <= until)]
        self.send_response(200)
        self.send_header("Api-Version", self.server.opts.api_version)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def send(data):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        try:
            for step in wanted:
                event = step["event"]
                if until is None:
                    story.reach(step)
                if types and event.get("Type") not in types:
                    continue
                send(json.dumps(event).encode() + b"\n")
                # A removed service is not inspected: nothing to wait for.
                if until is None and event.get("Type") == "service" and "services" in step and event.get("Action") != "remove":
                    story.wait_inspect(event)
            if until is None and self.server.opts.stream_end == "hold":
                while True:  # as a live daemon: nothing more, until the client leaves
                    time.sleep(0.2)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

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


def parse_time(text):
    """Docker's --since/--until: seconds, with an optional .nanoseconds."""
    if not text:
        return None
    seconds, _, fraction = text.partition(".")
    return int(seconds) * 1_000_000_000 + int((fraction + "000000000")[:9])


def event_types(filters):
    """The types a filters argument names: {"type": {"service": true}} or {"type": ["service"]}."""
    named = json.loads(filters or "{}").get("type", [])
    return set(named.keys() if isinstance(named, dict) else named)


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
    parser.add_argument("--events")
    parser.add_argument("--stream-end", choices=("hold", "close"), default="hold")
    opts = parser.parse_args()

    # The test ends us with SIGTERM: leave through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = Server(opts.socket, Handler)
    server.opts = opts
    server.fixture = Fixture(opts.fixture)
    server.story = Story(opts.events, server.fixture)
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
