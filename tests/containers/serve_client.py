"""A small HTTP client the serve tests run inside a test network namespace (the container's
port is only reachable there): `serve_client.py PORT ping|invoke BODY|slow-invoke BODY`.
Prints one JSON line: the status and body of the answer."""
import http.client
import json
import sys
import time


def request(port, method, path, body=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def wait_ping(port, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            status, body = request(port, "GET", "/ping", timeout=5)
            if status == 200:
                return status, body
            last = status
        except OSError as error:
            last = str(error)
        time.sleep(0.05)
    return last, "no 200 from /ping within %d s" % timeout


def main():
    port, command = int(sys.argv[1]), sys.argv[2]
    if command == "ping":
        status, body = wait_ping(port, 60)
    else:
        status, body = request(port, "POST", "/invocations", sys.argv[3].encode(), timeout=60)
    print(json.dumps({"status": status, "body": body}), flush=True)


if __name__ == "__main__":
    main()
