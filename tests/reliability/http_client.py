"""A resident's phone for the stack tests: its own source address and cookies, the
form's CSRF token fetched before each POST."""

import http.client
import http.cookies
import re
import urllib.parse


class Browser:
    def __init__(self, port, source="127.0.0.1"):
        self.port, self.source, self.cookies = port, source, {}

    def _request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                          source_address=(self.source, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie(header)
                self.cookies.update({k: m.value for k, m in jar.items()})
            return response.status, text
        finally:
            conn.close()

    def get(self, path):
        return self._request("GET", path)

    def post(self, path, data):
        status, page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            return status, page
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": found.group(1)},
                                      doseq=True)
        return self._request("POST", path, body)
