#!/usr/bin/env python3
"""Slow-body attack probe (loopback only): N connections send a signup's headers with
Content-Length: 8000 and then one body byte a second, reconnecting when cut off, while one normal
signup every 250 ms measures what a real visitor gets. Prints the normal signups' status codes and
latencies and what the dribblers were answered.

    python3 gatling/probes/slow_body.py PORT CONNECTIONS SECONDS
"""
import socket, threading, time, json, sys, http.client, statistics
PORT=int(sys.argv[1]); N=int(sys.argv[2]); DUR=int(sys.argv[3])
stop=time.time()+DUR
statuses={}
def attacker():
    while time.time()<stop:
        try:
            s=socket.create_connection(("127.0.0.1",PORT))
            s.sendall(b"POST /api/v1/waitlists/launch/signups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8000\r\n\r\n")
            s.settimeout(1.0)
            while time.time()<stop:
                s.sendall(b"a")
                try:
                    d=s.recv(4096)
                    if d:
                        st=d.split(b" ")[1].decode(); statuses[st]=statuses.get(st,0)+1
                    s.close(); break
                except socket.timeout:
                    pass
        except OSError:
            time.sleep(0.2)
for i in range(N): threading.Thread(target=attacker,daemon=True).start()
time.sleep(2)
lat=[]; codes={}; i=0
while time.time()<stop:
    c=http.client.HTTPConnection("127.0.0.1",PORT,timeout=30)
    t=time.time()
    try:
        c.request("POST","/api/v1/waitlists/launch/signups",json.dumps({"email":"probe%d-%d@rocket-users.test"%(int(stop),i)}),{"Content-Type":"application/json"})
        r=c.getresponse(); r.read(); codes[r.status]=codes.get(r.status,0)+1
    except Exception as e:
        codes[type(e).__name__]=codes.get(type(e).__name__,0)+1
    lat.append((time.time()-t)*1000); i+=1
    time.sleep(0.25)
lat.sort()
print("attackers",N,"normal signups",len(lat),"codes",codes,"p50 %.1f p95 %.1f max %.1f ms"%(lat[len(lat)//2],lat[int(len(lat)*0.95)],lat[-1]),"attacker answers",statuses)
