"""The exam's Flask microservice: answers / with its host and instance name, and /health.

Run by systemd as the `microservices` user from ~/.virtualenvs/flask_environment:
    python microservice.py --port 5000 --instance lab2-5000
"""
import argparse
import socket

from flask import Flask, jsonify

app = Flask(__name__)
INSTANCE = {"host": socket.gethostname(), "instance": "", "port": 0}


@app.route("/")
def hello():
    return "Hello World! I am {instance} on host {host}\n".format(**INSTANCE)


@app.route("/health")
def health():
    return jsonify(status="ok", **INSTANCE)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--instance", default="")
    args = parser.parse_args()
    INSTANCE["port"] = args.port
    INSTANCE["instance"] = args.instance or "{}-{}".format(INSTANCE["host"], args.port)
    app.run(host=args.bind, port=args.port, threaded=True)
