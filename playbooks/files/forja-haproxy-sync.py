#!/usr/bin/env python3
"""Keep HAProxy's backend list equal to the healthy instances registered in etcd.

The etcd counterpart of consul-template in the seeds, with its known failure modes designed
out: the config is written only when its bytes change; a catalog with fewer servers than
--min-servers is refused (an etcd hiccup must not empty the balancer); the candidate is
checked with `haproxy -c` before it atomically replaces the live file; HAProxy is reloaded,
never restarted, so open connections survive.

The config is HEAD (global, defaults, frontend: rendered by forja) followed by one backend
whose servers come from /forja/services/SERVICE/ in etcd.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request


def b64(text):
    return base64.b64encode(text.encode()).decode()


def prefix_end(prefix):
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def instances(endpoint, service):
    prefix = "/forja/services/{}/".format(service)
    body = json.dumps({"key": b64(prefix), "range_end": b64(prefix_end(prefix))}).encode()
    req = urllib.request.Request(endpoint.rstrip("/") + "/v3/kv/range", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=3) as resp:
        kvs = json.loads(resp.read()).get("kvs", [])
    found = [json.loads(base64.b64decode(kv["value"])) for kv in kvs]
    return sorted(found, key=lambda i: i["instance"])


def render(head, backend, servers, check_path):
    lines = [head.rstrip("\n"), "", "backend {}".format(backend), "    balance roundrobin",
             "    option httpchk GET {}".format(check_path)]
    for s in servers:
        lines.append("    server {} {}:{} check inter 2s fall 2 rise 1".format(
            s["instance"], s["address"], s["port"]))
    return "\n".join(lines) + "\n"


def current(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def install(path, text):
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".haproxy.cfg.", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        check = subprocess.run(["haproxy", "-c", "-q", "-f", tmp], capture_output=True, text=True)
        if check.returncode != 0:
            print("refused: haproxy -c failed: {}".format(check.stderr.strip()), file=sys.stderr, flush=True)
            return False
        os.rename(tmp, path)
        tmp = None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    reload = subprocess.run(["systemctl", "reload-or-restart", "haproxy"], capture_output=True, text=True)
    if reload.returncode != 0:
        print("haproxy reload failed: {}".format(reload.stderr.strip()), file=sys.stderr, flush=True)
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--etcd", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--head", required=True, help="config head (global/defaults/frontend)")
    p.add_argument("--config", default="/etc/haproxy/haproxy.cfg")
    p.add_argument("--backend", default="web")
    p.add_argument("--check-path", default="/health")
    p.add_argument("--min-servers", type=int, default=1)
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--once", action="store_true")
    args = p.parse_args()
    while True:
        try:
            with open(args.head) as f:
                head = f.read()
            servers = instances(args.etcd, args.service)
            if len(servers) < args.min_servers:
                print("refused: catalog lists {} server(s), fewer than --min-servers {}".format(
                    len(servers), args.min_servers), file=sys.stderr, flush=True)
            else:
                text = render(head, args.backend, servers, args.check_path)
                if text != current(args.config) and install(args.config, text):
                    print("haproxy: {} server(s): {}".format(
                        len(servers), ", ".join(s["instance"] for s in servers)), flush=True)
        except Exception as e:
            print("sync: {}".format(e), file=sys.stderr, flush=True)
        if args.once:
            break
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
