#!/usr/bin/env python3
"""The demo's sign-in services on 127.0.0.1, for `rolecall --demo`.

No emulator implements these, so the demo brings its own, speaking their wire protocols
(restJson1, as the AWS SDKs and rolecall's aws-sdk-ssooidc / aws-sdk-sso clients call them):

- IAM Identity Center's OIDC service (`sso-oidc`): RegisterClient, StartDeviceAuthorization,
  CreateToken (device code, authorization code with PKCE S256, refresh token), and the
  `/authorize` step the browser is sent to;
- the access portal (`sso`): GetRoleCredentials, ListAccounts, ListAccountRoles, Logout;
- the AWS console's federation endpoint (`/federation`): `getSigninToken`, and the
  `Action=login` page a sign-in URL opens, which says whose session signed in and what a
  real sign-in would open, instead of leaving the machine.

The sign-in is instant but real: a device code is approved on the client's second poll (so
its code is on screen for one interval) or as soon as its page here is opened; the
authorization code's `/authorize` sends the browser straight back to rolecall's listener on
127.0.0.1 with a code CreateToken checks against the PKCE challenge. Errors come as the
services send them: the exception's name in `x-amzn-errortype`, OAuth codes for the OIDC
service, `{"message": ...}` for the portal.

What it hands out (client registrations, tokens, role credentials) is fake and recognised by
its form, so a sign-in outlives a restart of the demo as a real one outlives rolecall's. It
listens on 127.0.0.1 only and logs no request (requests carry the fake secrets).

Usage: sign_in.py [--port N] [--sts-url-file F]  (port 4600 by default, 0 picks a free one;
F holds the STS emulator's URL once it answers, so the console page can say whose session
signed in, as GetCallerIdentity names it). Once it listens it prints
`rolecall demo sign-in services on http://127.0.0.1:PORT` on stdout.
"""

import argparse
import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

# The demo's IAM Identity Center: accounts (id, name) and the roles (permission sets) the
# demo user is assigned in each. demo-sso's own role is 666666666666 / PowerUser; the others
# are what discovery adds to the list.
ACCOUNTS = [
    ("666666666666", "demo-sandbox", ["PowerUser", "ReadOnly"]),
    ("777777777777", "demo-staging", ["Developer", "ReadOnly"]),
    ("888888888888", "demo-production", ["ReadOnly"]),
]
# How long things last, in seconds: the device authorization, the access token, role
# credentials, a console sign-in token.
DEVICE_EXPIRES_IN = 600
TOKEN_EXPIRES_IN = 8 * 3600
ROLE_CREDENTIALS_LAST = 3600
SIGNIN_TOKEN_LASTS = 15 * 60
# The polling interval StartDeviceAuthorization asks for.
INTERVAL = 1
# Page sizes the portal uses at most.
PAGE_SIZE = 100

# What is handed out, by prefix: the stand-in recognises its own by form.
CLIENT_ID = "demo-client-"
CLIENT_SECRET = "demo-client-secret-"
ACCESS_TOKEN = "demo-sso-access-token-"
REFRESH_TOKEN = "demo-sso-refresh-token-"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def random_text(n, alphabet=string.ascii_letters + string.digits):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def client_secret_of(client_id):
    """A client's secret follows from its id (so a registration survives a restart)."""
    return CLIENT_SECRET + hashlib.sha256(client_id.encode()).hexdigest()[:32]


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def is_loopback_callback(uri):
    """Whether `uri` is a loopback listener's callback, where a code may be sent."""
    parts = urlsplit(uri)
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "::1", "localhost")
        and parts.path == "/oauth/callback"
    )


class State:
    """What must be remembered between calls: device codes, authorization codes, sign-in
    tokens, and which role each set of role credentials is for."""

    def __init__(self):
        self.lock = threading.Lock()
        # device code -> {"client": id, "user_code": str, "polls": n, "approved": bool, "expires": t}
        self.devices = {}
        # authorization code -> (client id, redirect uri, challenge, scoped)
        self.codes = {}
        # console sign-in token -> (access key id, expires)
        self.signin_tokens = {}
        # access key id -> (account id, account name, role name)
        self.role_keys = {}
        # user codes whose sign-in is done (their page still says so)
        self.approved_codes = set()


STATE = State()


class Answer(Exception):
    """Raised by a handler to answer at once: status, body (dict, str or None), headers."""

    def __init__(self, status, body=None, headers=None, content_type="application/json"):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


def oauth_error(exception, code):
    return Answer(
        400,
        {"error": code, "error_description": f"{code} (rolecall demo)"},
        {"x-amzn-errortype": exception},
    )


def portal_error(status, exception, message):
    return Answer(status, {"message": message}, {"x-amzn-errortype": exception})


def page(status, title, paragraphs):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    text = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:44em;margin:3em auto;line-height:1.5}"
        "code{background:#eee;padding:0 .2em}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}"
        "<p><small>Served by the rolecall demo on 127.0.0.1: nothing here leaves this "
        "machine.</small></p></body></html>"
    )
    return Answer(status, text, content_type="text/html; charset=utf-8")


# ---- IAM Identity Center: the OIDC service ----


def register_client(body):
    client_id = CLIENT_ID + random_text(16)
    scoped = "s" if body.get("scopes") else "n"
    client_id = client_id + "-" + scoped
    now = int(time.time())
    return {
        "clientId": client_id,
        "clientSecret": client_secret_of(client_id),
        "clientIdIssuedAt": now,
        "clientSecretExpiresAt": now + 90 * 86400,
    }


def check_client(body):
    client_id = body.get("clientId", "")
    known = client_id.startswith(CLIENT_ID) and body.get("clientSecret") == client_secret_of(
        client_id
    )
    if not known:
        raise oauth_error("InvalidClientException", "invalid_client")
    return client_id


def start_device_authorization(body, base):
    client_id = check_client(body)
    device_code = "demo-device-code-" + random_text(32)
    letters = string.ascii_uppercase
    user_code = random_text(4, letters) + "-" + random_text(4, letters)
    with STATE.lock:
        STATE.devices[device_code] = {
            "client": client_id,
            "user_code": user_code,
            "polls": 0,
            "approved": False,
            "expires": time.time() + DEVICE_EXPIRES_IN,
        }
    uri = f"{base}/device"
    return {
        "deviceCode": device_code,
        "userCode": user_code,
        "verificationUri": uri,
        "verificationUriComplete": f"{uri}?user_code={user_code}",
        "expiresIn": DEVICE_EXPIRES_IN,
        "interval": INTERVAL,
    }


def issue_token(client_id, with_refresh):
    token = {
        "accessToken": ACCESS_TOKEN + random_text(40),
        "tokenType": "Bearer",
        "expiresIn": TOKEN_EXPIRES_IN,
    }
    if with_refresh:
        token["refreshToken"] = REFRESH_TOKEN + client_id + "." + random_text(24)
    return token


def device_token(client_id, device_code):
    with STATE.lock:
        device = STATE.devices.get(device_code)
        if device is None or device["client"] != client_id:
            raise oauth_error("InvalidGrantException", "invalid_grant")
        if time.time() > device["expires"]:
            del STATE.devices[device_code]
            raise oauth_error("ExpiredTokenException", "expired_token")
        device["polls"] += 1
        # Approved once its page was opened, else on the second poll: the person "signs in"
        # while rolecall shows the code for one interval.
        if not device["approved"] and device["polls"] < 2:
            raise oauth_error("AuthorizationPendingException", "authorization_pending")
        del STATE.devices[device_code]
        STATE.approved_codes.add(device["user_code"])
    return issue_token(client_id, client_id.endswith("-s"))


def authorization_code_token(client_id, body):
    with STATE.lock:
        issued = STATE.codes.get(body.get("code", ""))
        if issued is None or issued[0] != client_id:
            raise oauth_error("InvalidGrantException", "invalid_grant")
        if issued[1] != body.get("redirectUri"):
            raise oauth_error("InvalidRequestException", "invalid_request")
        if s256(body.get("codeVerifier", "")) != issued[2]:
            raise oauth_error("InvalidGrantException", "invalid_grant")
        del STATE.codes[body["code"]]
    return issue_token(client_id, issued[3])


def create_token(body):
    client_id = check_client(body)
    grant = body.get("grantType")
    if grant == DEVICE_GRANT:
        return device_token(client_id, body.get("deviceCode", ""))
    if grant == "authorization_code":
        return authorization_code_token(client_id, body)
    if grant == "refresh_token":
        if not body.get("refreshToken", "").startswith(REFRESH_TOKEN + client_id + "."):
            raise oauth_error("InvalidGrantException", "invalid_grant")
        return issue_token(client_id, True)
    raise oauth_error("UnsupportedGrantTypeException", "unsupported_grant_type")


def authorize(query):
    """`GET /authorize`: checks the request as the service does, then sends the browser
    back to rolecall's listener with a code and the state (the demo user is signed in and
    has allowed the client before)."""
    q = {k: v[0] for k, v in query.items()}
    client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
    if not client_id.startswith(CLIENT_ID):
        raise page(400, "Unknown client", ["This sign-in link is not for the rolecall demo."])
    if not is_loopback_callback(redirect_uri):
        raise page(400, "Refused", ["The demo sends a sign-in back to 127.0.0.1 only."])
    challenge = q.get("code_challenge", "")
    well_formed = (
        q.get("response_type") == "code"
        and q.get("code_challenge_method") == "S256"
        and len(challenge) == 43
        and q.get("state")
        and q.get("scopes")
    )
    if not well_formed:
        raise page(400, "Bad sign-in request", ["The authorize request is incomplete."])
    code = "demo-auth-code-" + random_text(32)
    with STATE.lock:
        STATE.codes[code] = (client_id, redirect_uri, challenge, True)
    location = f"{redirect_uri}?code={code}&state={quote(q['state'], safe='')}"
    raise Answer(302, None, {"Location": location})


def device_page(query):
    """The verification page: opening it with a code approves that code."""
    user_code = query.get("user_code", [""])[0].strip().upper()
    if not user_code:
        raise page(
            200,
            "rolecall demo: IAM Identity Center",
            [
                "Enter the code rolecall shows:",
                "<form method='get'><input name='user_code' autofocus> "
                "<button>Allow</button></form>",
            ],
        )
    with STATE.lock:
        device = next((d for d in STATE.devices.values() if d["user_code"] == user_code), None)
        if device is not None:
            device["approved"] = True
        done = user_code in STATE.approved_codes
    if device is None and not done:
        raise page(404, "Unknown code", [f"No sign-in waits for {html.escape(user_code)}."])
    raise page(
        200,
        "Request approved",
        [
            f"The demo user allowed the sign-in with code <code>{html.escape(user_code)}</code>.",
            "Go back to rolecall: it is signed in once it asks again (within a second).",
        ],
    )


# ---- IAM Identity Center: the access portal ----


def bearer(headers):
    token = headers.get("x-amz-sso_bearer_token", "")
    if not token.startswith(ACCESS_TOKEN):
        raise portal_error(401, "UnauthorizedException", "Session token not found or invalid")
    return token


def paged(items, query):
    start = int(query.get("next_token", ["0"])[0] or 0)
    size = max(1, min(int(query.get("max_result", [PAGE_SIZE])[0]), PAGE_SIZE))
    end = min(start + size, len(items))
    return items[start:end], (str(end) if end < len(items) else None)


def role_credentials(query):
    account = query.get("account_id", [""])[0]
    role = query.get("role_name", [""])[0]
    found = next((a for a in ACCOUNTS if a[0] == account and role in a[2]), None)
    if found is None:
        raise portal_error(404, "ResourceNotFoundException", "Could not find the role")
    key_id = "ASIA" + random_text(16, string.ascii_uppercase + string.digits)
    with STATE.lock:
        STATE.role_keys[key_id] = (account, found[1], role)
    return {
        "roleCredentials": {
            "accessKeyId": key_id,
            "secretAccessKey": random_text(40),
            "sessionToken": "demo-sso-session-" + random_text(64),
            "expiration": int((time.time() + ROLE_CREDENTIALS_LAST) * 1000),
        }
    }


def list_accounts(query):
    items, next_token = paged(ACCOUNTS, query)
    return {
        "accountList": [
            {"accountId": i, "accountName": n, "emailAddress": f"{n}@example.com"}
            for i, n, _ in items
        ],
        "nextToken": next_token,
    }


def list_account_roles(query):
    account = query.get("account_id", [""])[0]
    found = next((a for a in ACCOUNTS if a[0] == account), None)
    if found is None:
        raise portal_error(403, "ForbiddenException", "No access")
    items, next_token = paged(found[2], query)
    return {
        "roleList": [{"roleName": r, "accountId": account} for r in items],
        "nextToken": next_token,
    }


# ---- The console's federation endpoint ----

# A file holding the STS emulator's URL (emulators.sh writes it once moto_server answers).
STS_URL_FILE = None


def caller_arn(key_id, secret, token):
    """Who a session is, as the STS emulator says (GetCallerIdentity, signed with SigV4 as
    any client signs it); None when STS is unknown or does not answer."""
    try:
        with open(STS_URL_FILE) as f:
            sts = f.read().strip()
    except (OSError, TypeError):
        return None
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    scope = f"{amz_date[:8]}/us-east-1/sts/aws4_request"
    headers = {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "host": urlsplit(sts).netloc,
        "x-amz-date": amz_date,
        "x-amz-security-token": token,
    }
    signed = ";".join(sorted(headers))
    sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
    canonical = "\n".join(
        ["POST", "/", "", "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, sha(body)]
    )
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, sha(canonical)])
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed}, "
        f"Signature={signature}"
    )
    request = urllib.request.Request(sts + "/", body.encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            found = re.search(r"<Arn>([^<]*)</Arn>", answer.read().decode())
    except OSError:
        return None
    arn = html.unescape(found.group(1)) if found else None
    # moto_server's answer for a session it did not make (a federation token): unknown.
    return None if arn == "arn:aws:sts::123456789012:user/moto" else arn


def federation(query):
    action = query.get("Action", [""])[0]
    if action == "getSigninToken":
        return signin_token(query)
    if action == "login":
        login_page(query)
    raise Answer(400, "unknown Action", content_type="text/plain")


def signin_token(query):
    try:
        session = json.loads(query.get("Session", [""])[0])
    except ValueError:
        session = None
    fields = ("sessionId", "sessionKey", "sessionToken")
    if not isinstance(session, dict) or not all(
        isinstance(session.get(f), str) and session.get(f) for f in fields
    ):
        # As the real endpoint: long-term keys (no session token) are refused.
        raise Answer(400, "Bad Request", content_type="text/plain")
    duration = query.get("SessionDuration", [None])[0]
    if duration is not None and not (duration.isdigit() and 900 <= int(duration) <= 43200):
        raise Answer(400, "Bad Request", content_type="text/plain")
    key_id = session["sessionId"]
    with STATE.lock:
        sso_role = key_id in STATE.role_keys
    # Who the session is: the stand-in knows its own SSO role credentials; STS knows the rest.
    arn = None if sso_role else caller_arn(key_id, session["sessionKey"], session["sessionToken"])
    token = "demo-signin-token-" + random_text(48)
    with STATE.lock:
        STATE.signin_tokens[token] = (key_id, time.time() + SIGNIN_TOKEN_LASTS, arn)
    return {"SigninToken": token}


def login_page(query):
    token = query.get("SigninToken", [""])[0]
    destination = query.get("Destination", [""])[0]
    with STATE.lock:
        found = STATE.signin_tokens.pop(token, None)
        role = found and STATE.role_keys.get(found[0])
    if found is None or found[1] < time.time():
        raise page(400, "Sign-in link expired", ["Sign in again from rolecall (c)."])
    who = f"the session with access key <code>{html.escape(found[0])}</code>"
    if found[2]:
        who = f"<code>{html.escape(found[2])}</code>"
    if role:
        account, name, role_name = role
        who = (
            f"role <code>{html.escape(role_name)}</code> in account "
            f"{html.escape(name)} (<code>{account}</code>), through IAM Identity Center"
        )
    raise page(
        200,
        "rolecall demo: AWS console",
        [
            f"Signed in with {who}.",
            "A real sign-in opens the console here: "
            f"<code>{html.escape(destination)}</code>. The demo's sessions come from "
            "emulators on this machine, so the console would not take them: this page "
            "stands in for it.",
        ],
    )


# ---- HTTP ----


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "rolecall-demo"

    def log_message(self, *args):
        pass  # requests carry (fake) secrets: nothing is logged

    def base(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        try:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            answer = self.route(method, body)
            self.send(Answer(200, answer))
        except Answer as a:
            self.send(a)
        except Exception:  # a malformed request: answered as the services answer a fault
            fault = {"x-amzn-errortype": "InternalServerException"}
            self.send(Answer(500, {"message": "the demo stand-in failed"}, fault))

    def route(self, method, body):
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        routes = {
            ("POST", "/client/register"): lambda: register_client(body),
            ("POST", "/device_authorization"): lambda: start_device_authorization(
                body, self.base()
            ),
            ("POST", "/token"): lambda: create_token(body),
            ("GET", "/authorize"): lambda: authorize(query),
            ("GET", "/device"): lambda: device_page(query),
            ("GET", "/federation"): lambda: federation(query),
        }
        portal = {
            ("GET", "/federation/credentials"): lambda: role_credentials(query),
            ("GET", "/assignment/accounts"): lambda: list_accounts(query),
            ("GET", "/assignment/roles"): lambda: list_account_roles(query),
            ("POST", "/logout"): lambda: None,
        }
        key = (method, url.path)
        if key in routes:
            return routes[key]()
        if key in portal:
            bearer(self.headers)
            return portal[key]()
        raise Answer(
            404, {"message": "no such operation"}, {"x-amzn-errortype": "UnknownOperationException"}
        )

    def send(self, answer):
        body = answer.body
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        data = (body or "").encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4600)
    parser.add_argument("--sts-url-file", help="where the STS emulator's URL is written")
    args = parser.parse_args()
    global STS_URL_FILE
    STS_URL_FILE = args.sts_url_file
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"rolecall demo sign-in services on http://127.0.0.1:{server.server_address[1]}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
