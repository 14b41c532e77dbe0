#!/usr/bin/env python3
"""The Kubernetes manifests (deploy/kubernetes) against the binaries they run.

No cluster runs here, so the manifests are checked in two ways:
  * statically: the image installs every shared library the binaries link; every flag is one its binary accepts (`--help`), every peer and broker address
    names a Service (or a StatefulSet pod) and a port it exposes, the container ports, probes and
    volume agree with the flags, and the processes together host every module salesd hosts;
  * by running them: each StatefulSet's replicas are started as local processes with the
    manifests' own command and flags — only what a cluster provides is replaced: addresses
    become 127.0.0.1 with free ports, the Kafka broker an embedded one, the volume a temp dir —
    in the order their peers need, and each must come up, answer its probe and, for the read
    side, a query through salesctl.

  kubernetes_manifests_test.py --source SOURCE_DIR --build BUILD_DIR
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import yaml

ARGS = None  # the command line's --source and --build
PATIENCE_SECONDS = 90  # for a process to come up (ASan builds start slowly)
BINARIES = {  # image command -> path in the build directory
    "salesd": "services/salesd/salesd",
    "org": "services/org/org",
    "leads": "services/leads/leads",
    "channels": "services/channels/channels",
    "orders": "services/orders/orders",
    "incentives": "services/incentives/incentives",
    "projections": "services/projections/projections",
}


def load_manifests():
    """Every object of the kustomization's resources."""
    directory = os.path.join(ARGS.source, "deploy", "kubernetes")
    with open(os.path.join(directory, "kustomization.yaml")) as file:
        kustomization = yaml.safe_load(file)
    objects = []
    for resource in kustomization["resources"]:
        with open(os.path.join(directory, resource)) as file:
            objects.extend(doc for doc in yaml.safe_load_all(file) if doc)
    return objects


def flags_of(args):
    """{name: value} of a container's `--name=value` arguments."""
    flags = {}
    for arg in args:
        match = re.fullmatch(r"--([a-z_]+)=(.*)", arg)
        if match is None:
            raise AssertionError(f"argument {arg!r} is not --name=value")
        flags[match.group(1)] = match.group(2)
    return flags


def help_of(binary):
    result = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def accepted_flags(help_text):
    return set(re.findall(r"^\s+--([a-z_]+) \(", help_text, re.MULTILINE))


def hosted_modules(help_text, flags):
    """The modules a process hosts: --contexts if given, else its default."""
    if "contexts" in flags:
        return {m for m in flags["contexts"].split(",") if m}
    match = re.search(r"--contexts \(.*?currently: ([a-z,]*);", help_text, re.DOTALL)
    return {m for m in match.group(1).split(",") if m} if match else set()


def parse_peers(value):
    """[(context, host, port)] of --peers=NAME=HOST:PORT,…"""
    peers = []
    for entry in filter(None, value.split(",")):
        name, address = entry.split("=", 1)
        host, port = address.rsplit(":", 1)
        peers.append((name, host, int(port)))
    return peers


class Topology:
    def __init__(self, objects):
        self.services = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Service"}
        self.sets = {o["metadata"]["name"]: o for o in objects if o["kind"] == "StatefulSet"}

    def container(self, name):
        return self.sets[name]["spec"]["template"]["spec"]["containers"][0]

    def platform_sets(self):
        """StatefulSets running the platform's image, by name."""
        return {name: s for name, s in self.sets.items()
                if self.container(name)["image"].startswith("sales-platform")}

    def binary(self, name):
        command = os.path.basename(self.container(name)["command"][0])
        return os.path.join(ARGS.build, BINARIES[command])

    def flags(self, name):
        return flags_of(self.container(name)["args"])

    def set_behind(self, service):
        """The StatefulSet a Service selects."""
        selector = self.services[service]["spec"]["selector"]
        for name, stateful_set in self.sets.items():
            labels = stateful_set["spec"]["template"]["metadata"]["labels"]
            if all(labels.get(k) == v for k, v in selector.items()):
                return name
        raise AssertionError(f"Service {service} selects no StatefulSet")

    def start_order(self):
        """Platform StatefulSets with every peer's before it."""
        order, placed = [], set()
        pending = dict(self.platform_sets())
        while pending:
            ready = [name for name in pending
                     if all(self.set_behind(host) in placed
                            for _, host, _ in parse_peers(self.flags(name).get("peers", "")))]
            if not ready:
                raise AssertionError(f"peers form a cycle among {sorted(pending)}")
            for name in sorted(ready):
                order.append(name)
                placed.add(name)
                del pending[name]
        return order


class StaticTest(unittest.TestCase):
    def setUp(self):
        self.topology = Topology(load_manifests())

    def test_every_flag_is_one_its_binary_accepts(self):
        for name in self.topology.platform_sets():
            accepted = accepted_flags(help_of(self.topology.binary(name)))
            self.assertTrue(accepted, f"{name}: no flags in --help")
            for flag in self.topology.flags(name):
                self.assertIn(flag, accepted, f"{name}: --{flag} is not a flag of its binary")

    def test_peers_and_brokers_name_ports_that_exist(self):
        for name in self.topology.platform_sets():
            flags = self.topology.flags(name)
            for context, host, port in parse_peers(flags.get("peers", "")):
                self.assertIn(host, self.topology.services, f"{name}: peer {context}")
                ports = [p["port"] for p in self.topology.services[host]["spec"]["ports"]]
                self.assertIn(port, ports, f"{name}: peer {context} at {host}:{port}")
                behind = self.topology.set_behind(host)
                hosted = hosted_modules(help_of(self.topology.binary(behind)),
                                        self.topology.flags(behind))
                self.assertIn(context, hosted, f"{name}: peer {context} is not hosted by {host}")
            for broker in flags["kafka_brokers"].split(","):
                host, port = broker.rsplit(":", 1)
                pod, _, service = host.partition(".")
                set_name, _, ordinal = pod.rpartition("-")
                self.assertIn(set_name, self.topology.sets, f"{name}: broker {broker}")
                broker_set = self.topology.sets[set_name]
                self.assertEqual(broker_set["spec"]["serviceName"], service)
                self.assertLess(int(ordinal), broker_set["spec"]["replicas"])
                container = self.topology.container(set_name)
                self.assertIn(int(port), [p["containerPort"] for p in container["ports"]])
                env = {e["name"]: e["value"] for e in container.get("env", [])}
                self.assertIn(f"PLAINTEXT://{broker}", env["KAFKA_ADVERTISED_LISTENERS"],
                              "clients must bootstrap from the address the broker advertises")

    def test_ports_probes_and_volume_agree_with_the_flags(self):
        for name, stateful_set in self.topology.platform_sets().items():
            flags = self.topology.flags(name)
            container = self.topology.container(name)
            self.assertEqual(flags["host"], "0.0.0.0", f"{name}: other pods must reach it")
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            self.assertEqual(ports["grpc"], int(flags["grpc_port"]), name)
            self.assertEqual(ports["http"], int(flags["http_port"]), name)
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                self.assertEqual(container[probe]["httpGet"],
                                 {"path": "/healthz", "port": "http"}, f"{name}: {probe}")
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            claims = {c["metadata"]["name"] for c in stateful_set["spec"]["volumeClaimTemplates"]}
            self.assertIn(mounts.get(flags["data_dir"]), claims,
                          f"{name}: --data_dir must be its own persistent volume")
            service = self.topology.services[name]
            targets = {p["targetPort"] for p in service["spec"]["ports"]}
            self.assertEqual(targets, {"grpc", "http"}, f"{name}: Service ports")

    def test_the_processes_host_every_module_salesd_hosts(self):
        everything = hosted_modules(help_of(os.path.join(ARGS.build, BINARIES["salesd"])), {})
        self.assertIn("performance", everything)
        deployed = set()
        for name in self.topology.platform_sets():
            modules = hosted_modules(help_of(self.topology.binary(name)), self.topology.flags(name))
            self.assertFalse(deployed & modules, f"{name} hosts a module another process hosts")
            deployed |= modules
        self.assertEqual(deployed, everything)

    def test_a_write_side_has_one_replica(self):
        for name, stateful_set in self.topology.platform_sets().items():
            if name != "read":
                self.assertEqual(stateful_set["spec"]["replicas"], 1, f"{name}: one writer")


# What debian:12-slim has without installing anything (the C and C++ runtimes).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


def sanitizer_of_build():
    """SALES_SANITIZE of the build directory ("" for a plain build, as the image's)."""
    with open(os.path.join(ARGS.build, "CMakeCache.txt")) as file:
        match = re.search(r"^SALES_SANITIZE:\w+=(.*)$", file.read(), re.MULTILINE)
    return match.group(1).strip() if match else ""


def image_packages():
    """The packages the image's runtime stage installs (deploy/container/Dockerfile)."""
    with open(os.path.join(ARGS.source, "deploy", "container", "Dockerfile")) as file:
        runtime = file.read().rsplit("\nFROM ", 1)[1]
    install = re.search(r"apt-get install -y --no-install-recommends(.*?)(&&|$)",
                        runtime.replace("\\\n", " "), re.DOTALL)
    return set(install.group(1).split())


class ImageTest(unittest.TestCase):
    def test_the_image_installs_every_library_the_binaries_link(self):
        if sanitizer_of_build():
            # tools/checks.sh's sanitizer builds link their runtimes and RocksDB as a shared
            # library; the image's is a plain build, as tools/build.sh makes.
            self.skipTest(f"a {sanitizer_of_build()} build links what the image's does not")
        linked = {}  # library path as ldd prints it -> a binary linking it
        for command, path in sorted(BINARIES.items()):
            ldd = subprocess.run(["ldd", os.path.join(ARGS.build, path)], capture_output=True,
                                 text=True, check=True).stdout
            for library in re.findall(r"=> (/\S+)", ldd):
                linked.setdefault(library, command)
        # dpkg knows a file by the path its package installed (on a merged-/usr system /lib/…
        # and /usr/lib/… are one directory), and a symlink's target by its own name.
        def candidates(library):
            paths = {library, os.path.realpath(library)}
            return paths | {re.sub(r"^/usr/lib/", "/lib/", p) for p in paths} | {
                re.sub(r"^/lib/", "/usr/lib/", p) for p in paths}
        every_candidate = sorted(set().union(*(candidates(lib) for lib in linked)))
        # One dpkg query for all (each query reads the whole package database).
        owners = subprocess.run(["dpkg", "-S"] + every_candidate, capture_output=True, text=True)
        owner_of = {}
        for line in owners.stdout.splitlines():
            package, _, file = line.partition(": ")
            owner_of[file] = package.split(":")[0]
        packages = image_packages() | BASE_IMAGE_PACKAGES
        for library, command in sorted(linked.items()):
            package = next((owner_of[p] for p in sorted(candidates(library)) if p in owner_of), None)
            self.assertIsNotNone(package, f"{command}: {library} belongs to no package")
            self.assertIn(package, packages, f"{command} links {library} of {package}")


class RunningTest(unittest.TestCase):
    """The manifests' processes, started locally."""

    def setUp(self):
        self.topology = Topology(load_manifests())
        self.dir = tempfile.mkdtemp(prefix="k8s-manifests-")
        self.processes = []  # (name, Popen), in start order

    def tearDown(self):
        for _, process in reversed(self.processes):  # the read side first, the broker last
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        subprocess.run(["rm", "-rf", self.dir], check=False)

    def start(self, name, command):
        """Starts a process and returns its banner's addresses {label: address}."""
        log_path = os.path.join(self.dir, f"{name}.log")
        with open(log_path, "w") as log:  # the process writes its own copy of the descriptor
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((name, process))
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline:
            with open(log_path) as file:
                text = file.read()
            if "running; Ctrl-C stops it" in text:
                return dict(re.findall(r"^[a-z]+: (gRPC|Kafka|metrics) +(\S+)", text, re.MULTILINE))
            if process.poll() is not None:
                self.fail(f"{name} exited ({process.returncode}):\n{text}")
            time.sleep(0.1)
        with open(log_path) as file:
            self.fail(f"{name} did not come up in {PATIENCE_SECONDS} s:\n{file.read()}")

    def test_the_topology_starts_and_answers(self):
        broker = self.start("broker", [
            os.path.join(ARGS.build, BINARIES["salesd"]), "--contexts=",
            f"--data_dir={self.dir}/broker", "--grpc_port=0", "--http_port=0"])
        grpc_of_service = {}  # Service name -> the gRPC address of its first replica
        for name in self.topology.start_order():
            flags = self.topology.flags(name)
            # What the cluster provides, provided locally: the flags' meaning is unchanged.
            flags.update(host="127.0.0.1", grpc_port="0", http_port="0",
                         kafka_brokers=broker["Kafka"])
            if "peers" in flags:
                flags["peers"] = ",".join(f"{context}={grpc_of_service[host]}"
                                          for context, host, _ in parse_peers(flags["peers"]))
            for replica in range(self.topology.sets[name]["spec"]["replicas"]):
                flags["data_dir"] = f"{self.dir}/{name}-{replica}"
                started = self.start(f"{name}-{replica}", [self.topology.binary(name)] + [
                    f"--{flag}={value}" for flag, value in flags.items()])
                grpc_of_service.setdefault(name, started["gRPC"])
                probe = started["metrics"].replace("/metrics", "/healthz")
                with urllib.request.urlopen(probe, timeout=10) as response:
                    self.assertEqual(response.status, 200, f"{name}-{replica}: {probe}")
                if name == "read":
                    self.assert_answers(started["gRPC"])

    def assert_answers(self, address):
        salesctl = os.path.join(ARGS.build, "tools", "salesctl", "salesctl")
        for command in (["performance", "show", "--last", "30", "--by", "rep"],
                        ["funnel", "show", "--last", "30"]):
            result = subprocess.run([salesctl, "--server", address] + command,
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, f"{command}: {result.stdout}{result.stderr}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
