"""A test suite in Python, standard library only, against the standalone image-registry-mock.

It starts the server as a child process with a scenario file, talks to the Snowflake API the way
a client under test would, injects a fault through the control API (/__mock) and asserts on the
request journal.

    python3 -m unittest discover -s examples/python -v

The server command comes from IMAGE_REGISTRY_MOCK (for example "npx image-registry-mock" in a
project that installed the package); by default it is this checkout's `npm start` launcher.
"""

import json
import os
import re
import shlex
import signal
import subprocess
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCENARIO = os.path.join(HERE, "team.yaml")
REPOSITORIES = "/api/v2/databases/ml_platform/schemas/images/image-repositories"
AUTH = {"Authorization": "Bearer python-suite"}


def server_command():
    configured = os.environ.get("IMAGE_REGISTRY_MOCK")
    if configured:
        return shlex.split(configured)
    return ["node", os.path.join(REPO, "scripts", "start.mjs")]


class MockServer:
    """The standalone server on a free port (--port 0), stopped with SIGTERM.

    It runs in a process group of its own, and SIGTERM goes to the whole group: a launcher such
    as npx runs the server as a child of its own and does not pass the signal on.
    """

    def __init__(self, *args):
        self.process = subprocess.Popen(
            server_command() + ["--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.url = None
        lines = []
        for line in self.process.stdout:  # the first line names the URL once it listens
            lines.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
                break
        if self.url is None:
            self.process.wait(timeout=10)
            raise RuntimeError("the mock did not start:\n" + "".join(lines))

    def request(self, method, path, body=None, headers=None, session=None):
        """Returns (status, headers, parsed JSON body or None); HTTP errors are answers too."""
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if session:
            all_headers["X-Mock-Session"] = session
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.headers, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, _json(error.read())

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.process.stdout.close()


def _json(raw):
    return json.loads(raw) if raw.strip() else None


class ImageRegistryMockTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mock = MockServer("--scenario", SCENARIO)

    @classmethod
    def tearDownClass(cls):
        cls.mock.stop()

    def setUp(self):
        # Each test gets its own session: its own data, faults, journal and clock.
        self.session = self.id().rsplit(".", 1)[-1][:64]

    def test_serves_the_scenario_file(self):
        status, _, health = self.mock.request("GET", "/__mock/health", session=self.session)
        self.assertEqual(status, 200)
        self.assertEqual((health["scenario"], health["seed"]), ("team", 7))
        status, _, repositories = self.mock.request(
            "GET", REPOSITORIES, headers=AUTH, session=self.session
        )
        self.assertEqual(status, 200)
        self.assertEqual([r["name"] for r in repositories], ["TEAM_REPO"])

    def test_a_client_retrying_an_injected_503_is_seen_in_the_journal(self):
        status, _, _ = self.mock.request(
            "POST",
            "/__mock/faults",
            {
                "match": {"operation": "snowflake.createImageRepository"},
                "effect": {"status": 503, "retryAfter": 1},
                "times": 1,
            },
            session=self.session,
        )
        self.assertEqual(status, 201)

        # The code under test: create, and retry once on 503 (Retry-After is honoured by a real
        # client; the suite does not sleep, the mock's clock is virtual).
        attempts = []
        for _ in range(2):
            status, headers, body = self.mock.request(
                "POST", REPOSITORIES, {"name": "py_repo"}, headers=AUTH, session=self.session
            )
            attempts.append(status)
            if status != 503:
                break
            self.assertEqual(headers["Retry-After"], "1")
            self.assertRegex(body["code"], r"^\d{6}$")
        self.assertEqual(attempts, [503, 200])

        status, _, journal = self.mock.request(
            "GET",
            "/__mock/journal?operation=snowflake.createImageRepository",
            session=self.session,
        )
        self.assertEqual(status, 200)
        entries = journal["entries"]
        self.assertEqual([e["status"] for e in entries], [503, 200])
        self.assertEqual(entries[0]["fault"], "rule-1")
        self.assertEqual(json.loads(entries[1]["requestBody"]), {"name": "py_repo"})

        status, _, repositories = self.mock.request(
            "GET", REPOSITORIES, headers=AUTH, session=self.session
        )
        self.assertEqual(sorted(r["name"] for r in repositories), ["PY_REPO", "TEAM_REPO"])


if __name__ == "__main__":
    unittest.main()
