#!/usr/bin/env bash
# The yardstick for a fresh apply: what site.yml does on the 4 lab hosts, written by hand as
# one shell script per host, sent to all hosts at once over plain ssh, with no checks, no
# plan and no read-back. Same packages, users, venv, files, units, services and firewall
# ports as forja's site.yml on inventories/lab.yml. bench/run times it beside forja.
#   bench/floor.sh          (needs a booted lab with clean hosts; prints nothing on success)
set -euo pipefail
cd "$(dirname "$0")/.."
lab=${FORJA_LAB_DIR:-/var/lib/forja-lab}
ssh_root() {
  ssh -i "$lab/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$lab/known_hosts" -o LogLevel=ERROR -l root "$1" bash -s
}
b64() { base64 -w0 "$1"; }
etcd=10.77.0.11

common() { # common PORTS...: packages, firewalld with exactly these ports (and ssh)
  cat <<EOF
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q -o Dpkg::Options::=--force-confold firewalld curl python3 $EXTRA >/dev/null
systemctl enable --now firewalld >/dev/null 2>&1
for p in $*; do firewall-cmd -q --add-port=\$p; firewall-cmd -q --permanent --add-port=\$p; done
firewall-cmd -q --remove-service=dhcpv6-client; firewall-cmd -q --permanent --remove-service=dhcpv6-client
EOF
}

discovery() {
  EXTRA="etcd-server etcd-client" common 2379/tcp 2380/tcp
  cat <<EOF
cat > /etc/default/etcd <<'X'
ETCD_NAME="lab1"
ETCD_DATA_DIR="/var/lib/etcd/default"
ETCD_LISTEN_CLIENT_URLS="http://0.0.0.0:2379"
ETCD_ADVERTISE_CLIENT_URLS="http://$1:2379"
ETCD_LISTEN_PEER_URLS="http://0.0.0.0:2380"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://$1:2380"
ETCD_INITIAL_CLUSTER="lab1=http://$1:2380"
ETCD_INITIAL_CLUSTER_STATE="new"
X
systemctl enable etcd >/dev/null 2>&1; systemctl restart etcd
EOF
}

web() { # web NAME ADDRESS
  EXTRA="python3-venv python3-flask python3-pip" common 5000/tcp
  cat <<EOF
useradd --user-group --shell /bin/bash --home-dir /home/microservices --create-home microservices
runuser -u microservices -- python3 -m venv --system-site-packages /home/microservices/.virtualenvs/flask_environment
install -d -o microservices -g microservices -m 0755 /home/microservices/app
echo $(b64 playbooks/files/microservice.py) | base64 -d > /home/microservices/app/microservice.py
chown microservices:microservices /home/microservices/app/microservice.py
cat > /etc/systemd/system/microservice@.service <<'X'
[Unit]
Description=microservice web on port %i
After=network-online.target
[Service]
User=microservices
Group=microservices
WorkingDirectory=/home/microservices/app
ExecStart=/home/microservices/.virtualenvs/flask_environment/bin/python /home/microservices/app/microservice.py --port %i --instance $1-%i
Restart=on-failure
RestartSec=1
[Install]
WantedBy=multi-user.target
X
echo $(b64 playbooks/files/forja-etcd-register.py) | base64 -d > /usr/local/bin/forja-etcd-register
chmod 0755 /usr/local/bin/forja-etcd-register
cat > /etc/systemd/system/forja-register@.service <<'X'
[Unit]
Description=registration of web on port %i
After=network-online.target microservice@%i.service
[Service]
ExecStart=/usr/bin/python3 /usr/local/bin/forja-etcd-register --etcd http://$etcd:2379 --service web --instance $1-%i --address $2 --port %i
Restart=always
RestartSec=2
DynamicUser=yes
[Install]
WantedBy=multi-user.target
X
systemctl daemon-reload
systemctl enable --now microservice@5000 forja-register@5000 >/dev/null 2>&1
EOF
}

lb() {
  EXTRA=haproxy common 8080/tcp
  cat <<EOF
install -d -m 0755 /etc/forja
cat > /etc/forja/haproxy-head.cfg <<'X'
$(sed -e 's/{{service_name}}/web/g' -e 's/{{lb_port}}/8080/g' templates/haproxy-head.cfg.mustache)
X
echo $(b64 playbooks/files/forja-haproxy-sync.py) | base64 -d > /usr/local/bin/forja-haproxy-sync
chmod 0755 /usr/local/bin/forja-haproxy-sync
cat > /etc/systemd/system/forja-haproxy-sync.service <<'X'
[Unit]
Description=HAProxy catalog sync for web
After=network-online.target haproxy.service
[Service]
ExecStart=/usr/bin/python3 /usr/local/bin/forja-haproxy-sync --etcd http://$etcd:2379 --service web --backend web --head /etc/forja/haproxy-head.cfg --min-servers 1
Restart=always
RestartSec=2
[Install]
WantedBy=multi-user.target
X
systemctl daemon-reload
systemctl enable --now haproxy forja-haproxy-sync >/dev/null 2>&1
EOF
}

discovery 10.77.0.11 | ssh_root 10.77.0.11 &
web lab2 10.77.0.12 | ssh_root 10.77.0.12 &
web lab3 10.77.0.13 | ssh_root 10.77.0.13 &
lb | ssh_root 10.77.0.14 &
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
exit $status
