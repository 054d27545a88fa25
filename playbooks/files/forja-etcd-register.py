#!/usr/bin/env python3
"""Register one service instance in etcd while its HTTP health check passes.

etcd has no health checks of its own (Consul does), so this sidecar plays that part: every
INTERVAL seconds it GETs the instance's health URL; while it answers 200 the instance's key
lives under a lease that is kept alive, and the moment it fails (or this process stops) the
key is deleted, so the balancer's catalog only ever lists healthy instances.

Key:   /forja/services/SERVICE/INSTANCE
Value: {"instance": ..., "address": ..., "port": ..., "health": ...}
Only the Python standard library is used (etcd's v3 JSON gateway).
"""
import argparse
import base64
import json
import signal
import sys
import time
import urllib.request


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Etcd:
    def __init__(self, endpoint):
        self.endpoint = endpoint.rstrip("/")

    def call(self, path, body):
        req = urllib.request.Request(self.endpoint + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=3) as resp:
            return json.loads(resp.read() or b"{}")

    def grant(self, ttl):
        return self.call("/v3/lease/grant", {"TTL": ttl})["ID"]

    def keepalive(self, lease):
        result = self.call("/v3/lease/keepalive", {"ID": lease}).get("result", {})
        return int(result.get("TTL", 0)) > 0

    def put(self, key, value, lease):
        self.call("/v3/kv/put", {"key": b64(key), "value": b64(value), "lease": lease})

    def delete(self, key):
        self.call("/v3/kv/deleterange", {"key": b64(key)})


def healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except Exception:
        return False


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--etcd", required=True, help="etcd client URL, e.g. http://10.77.0.11:2379")
    p.add_argument("--service", required=True)
    p.add_argument("--instance", required=True)
    p.add_argument("--address", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--health-path", default="/health")
    p.add_argument("--interval", type=float, default=2.0)
    p.add_argument("--ttl", type=int, default=6)
    args = p.parse_args()

    etcd = Etcd(args.etcd)
    key = "/forja/services/{}/{}".format(args.service, args.instance)
    health_url = "http://127.0.0.1:{}{}".format(args.port, args.health_path)
    value = json.dumps({"instance": args.instance, "address": args.address, "port": args.port,
                        "health": "http://{}:{}{}".format(args.address, args.port, args.health_path)})
    lease = None
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while running:
        try:
            if healthy(health_url):
                if lease is None or not etcd.keepalive(lease):
                    lease = etcd.grant(args.ttl)
                    etcd.put(key, value, lease)
                    print("registered {} ({}:{})".format(key, args.address, args.port), flush=True)
            elif lease is not None:
                etcd.delete(key)
                lease = None
                print("health check failing: deregistered {}".format(key), flush=True)
        except Exception as e:  # etcd unreachable: keep trying; the lease expires by itself
            print("etcd: {}".format(e), file=sys.stderr, flush=True)
            lease = None
        time.sleep(args.interval)
    try:
        etcd.delete(key)
        print("stopped: deregistered {}".format(key), flush=True)
    except Exception:
        pass


if __name__ == "__main__":
    main()
