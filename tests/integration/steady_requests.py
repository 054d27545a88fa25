"""Clients of the balancer: GET URL one request after another (a pause of INTERVAL seconds
between them) for SECONDS, then print one JSON line: requests sent, how many failed (an error or
a status other than 200) with the first failures, and for each replica that answered how many
times and when it answered last (Unix time).

    python3 steady_requests.py http://10.77.0.14:8080/ 12 0.02

With a fourth argument, a file name: stop as soon as that file exists (SECONDS still bounds it).
"""
import os
import json
import sys
import time
import urllib.request


def main():
    url, seconds, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    end = time.time() + seconds
    stop_file = sys.argv[4] if len(sys.argv) > 4 else None
    sent = failed = 0
    failures, replicas = [], {}
    while time.time() < end and not (stop_file and os.path.exists(stop_file)):
        sent += 1
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                body = answer.read().decode(errors="replace")
                # microservice.py: "Hello World! I am lab2-5000 on host lab2"
                words = body.split()
                name = words[words.index("am") + 1] if "am" in words else body.strip()[:40]
                seen = replicas.setdefault(name, {"answers": 0, "last": 0.0})
                seen["answers"] += 1
                seen["last"] = time.time()
        except Exception as e:  # an HTTP error status or a failed connection
            failed += 1
            if len(failures) < 5:
                failures.append("%.3f %s" % (time.time(), e))
        time.sleep(interval)
    print(json.dumps({"sent": sent, "failed": failed, "failures": failures, "replicas": replicas}))


if __name__ == "__main__":
    main()
