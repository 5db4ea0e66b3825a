#!/usr/bin/env python3
"""Membership timing probe (loopback only): does the time a signup takes tell a new address from
one already on the list? Against the dev run (./mvnw -pl app compile exec:java, with
RATE_LIMIT_SIGNUPS_PER_IP=off, RATE_LIMIT_PER_EMAIL=off, RATE_LIMIT_EMAIL_LINKS_PER_IP=off and
RATE_LIMIT_CONFIRMATION_MAILS=off), whose dev inbox gives the
confirmation links. Sets up ROUNDS pending and ROUNDS confirmed addresses, then times, one request
at a time and interleaved: a new address, a pending one again, a confirmed one again.

    python3 gatling/probes/signup_timing.py PORT [ROUNDS]
"""
import http.client, json, statistics, sys, time, urllib.parse

PORT = int(sys.argv[1]); ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
RUN = str(int(time.time()))

def request(method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    started = time.perf_counter()
    connection.request(method, path, json.dumps(body) if body is not None else None,
                       {"Content-Type": "application/json"})
    response = connection.getresponse(); data = response.read()
    return response.status, data, (time.perf_counter() - started) * 1000

def sign_up(address):
    status, _, millis = request("POST", "/api/v1/waitlists/launch/signups", {"email": address})
    assert status == 202, status
    return millis

def confirm(address):
    for _ in range(200):
        _, data, _ = request("GET", "/_dev/mail?to=" + urllib.parse.quote(address))
        mails = json.loads(data)
        mails = mails.get("messages", mails) if isinstance(mails, dict) else mails
        links = [link for mail in mails for link in mail.get("links", []) if "/confirm?" in link]
        if links:
            token = urllib.parse.parse_qs(urllib.parse.urlparse(links[0]).query)["token"][0]
            status, _, _ = request("POST", "/api/v1/confirmations", {"token": token})
            assert status == 200, status
            return
        time.sleep(0.05)
    raise SystemExit("no confirmation mail for " + address)

pending = ["pending%s-%d@rocket-users.test" % (RUN, i) for i in range(ROUNDS)]
confirmed = ["confirmed%s-%d@rocket-users.test" % (RUN, i) for i in range(ROUNDS)]
for address in pending + confirmed:
    sign_up(address)
for address in confirmed:
    confirm(address)
for i in range(50):  # warm-up
    sign_up("warmup%s-%d@rocket-users.test" % (RUN, i))

times = {"new": [], "pending": [], "confirmed": []}
for i in range(ROUNDS):
    times["new"].append(sign_up("new%s-%d@rocket-users.test" % (RUN, i)))
    times["pending"].append(sign_up(pending[i]))
    times["confirmed"].append(sign_up(confirmed[i]))
for kind, millis in times.items():
    millis.sort()
    print("%-9s median %.2f ms  p10 %.2f  p90 %.2f  (n=%d)" % (kind, statistics.median(millis),
          millis[len(millis) // 10], millis[len(millis) * 9 // 10], len(millis)))
