import sys, time, threading, urllib.request, subprocess, os
url, duration, at = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
t0=time.time(); ok=fail=0; errs=[]; done=False
while time.time()-t0 < duration:
    if not done and time.time()-t0 > at:
        subprocess.Popen(["sh","-c","/tmp/hx/usr/sbin/haproxy -f /tmp/cdev/hx.cfg -D -p /tmp/cdev/hx.pid -sf $(cat /tmp/cdev/hx.pid)"], env=dict(os.environ, LD_LIBRARY_PATH="/tmp/hx/usr/lib/x86_64-linux-gnu")); done=True
    try:
        urllib.request.urlopen(url, timeout=5).read(); ok+=1
    except Exception as e:
        fail+=1; errs.append((round(time.time()-t0-at,3), str(e)))
    time.sleep(0.005)
print("ok", ok, "failed", fail, errs[:5])
