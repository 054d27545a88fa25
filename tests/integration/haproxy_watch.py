"""Run on the balancer: watch HAProxy's backend through its admin socket for SECONDS and print
the Unix time at which no server of BACKEND at ADDRESS:PORT is up any more (taken out by its
health check, or gone from Consul's DNS answer), or "never".

    python3 - web 10.77.0.13 5000 15 < haproxy_watch.py
"""
import socket
import sys
import time


def servers(backend):
    s = socket.socket(socket.AF_UNIX)
    s.connect("/run/haproxy/admin.sock")
    s.sendall(("show servers state %s\n" % backend).encode())
    rows = s.makefile().read().splitlines()
    s.close()
    # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ... srv_port (19th)
    return [r.split() for r in rows if r and r[0].isdigit() and len(r.split()) > 18]


def main():
    backend, address, port, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    end = time.time() + seconds
    while time.time() < end:
        up = [r for r in servers(backend) if r[4] == address and r[18] == port and r[5] == "2"]
        if not up:
            print("%.3f" % time.time())
            return
        time.sleep(0.05)
    print("never")


if __name__ == "__main__":
    main()
