"""Sign-in routes of the service: a plain HTML login page, the login POST that sets the signed HttpOnly
session cookie, the first-admin set-up (one-time code from the service log) and logout."""
from __future__ import annotations

import html
import urllib.parse

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from cx import auth, firstrun, settings, signin
from cx.service import state

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title} · 客户体验透镜</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f6f7f9;margin:0}}
main{{max-width:360px;margin:10vh auto;background:#fff;padding:28px 32px;border-radius:10px;box-shadow:0 1px 4px #0002}}
h1{{font-size:20px;margin:0 0 4px}} p{{color:#555;font-size:13px}} label{{display:block;margin:12px 0 4px;font-size:14px}}
input{{width:100%;box-sizing:border-box;padding:8px;border:1px solid #ccc;border-radius:6px;font-size:14px}}
button{{margin-top:18px;width:100%;padding:9px;border:0;border-radius:6px;background:#d6336c;color:#fff;font-size:15px}}
.err{{color:#b00020;background:#fde2e4;padding:8px;border-radius:6px;font-size:13px}}</style></head>
<body><main><h1>{brand}</h1><p>{subtitle}</p>{error}{form}</main></body></html>"""


def safe_next(target: str | None) -> str:
    """Only same-site paths (no scheme, no //host) may be redirected to after sign-in."""
    t = target or "/"
    return t if t.startswith("/") and not t.startswith("//") and "\\" not in t else "/"


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _page(title: str, subtitle: str, form: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    err = f'<div class="err" role="alert">{html.escape(error)}</div>' if error else ""
    return HTMLResponse(_PAGE.format(title=html.escape(title), brand=html.escape(settings.brand()),
                                     subtitle=html.escape(subtitle), error=err, form=form), status_code=status)


def _login_form(nxt: str, username: str = "") -> str:
    return (f'<form method="post" action="/auth/login"><input type="hidden" name="next" value="{html.escape(nxt)}">'
            f'<label for="u">用户名</label><input id="u" name="username" value="{html.escape(username)}" autofocus required>'
            '<label for="p">密码</label><input id="p" name="password" type="password" required>'
            '<button type="submit">登录</button></form>')


def _setup_form(nxt: str) -> str:
    return (f'<form method="post" action="/auth/setup"><input type="hidden" name="next" value="{html.escape(nxt)}">'
            '<label for="c">设置码（见服务日志）</label><input id="c" name="code" required autocomplete="off">'
            '<label for="u">用户名</label><input id="u" name="username" required>'
            '<label for="n">姓名</label><input id="n" name="name">'
            '<label for="p">密码（至少 8 位）</label><input id="p" name="password" type="password" required>'
            '<label for="p2">再次输入密码</label><input id="p2" name="password2" type="password" required>'
            '<button type="submit">创建并登录</button></form>')


async def login_page(request: Request):
    nxt = safe_next(request.query_params.get("next"))
    if firstrun.building() or state.store() is None:
        return _first_run_page()
    if not auth.has_users():
        return _page("创建首个总部管理员", "这是一个新的数据库，还没有任何账号。请输入服务日志中打印的一次性设置码。",
                     _setup_form(nxt))
    return _page("登录", "请使用您的账号登录。", _login_form(nxt) + _demo_accounts())


_ROLE_NAMES = {"hq": "总部", "analyst": "分析师（只读）", "region": "区域经理", "store": "门店店长"}


def _demo_accounts() -> str:
    """On the embedded demo store only: the demo accounts that exist (created with the demo, never for real data)."""
    rows = firstrun.demo_accounts(state.store())
    if not rows:
        return ""
    items = "".join(f"<li><code>{html.escape(u)}</code> / <code>{html.escape(p)}</code>（{html.escape(_ROLE_NAMES[r])}）</li>"
                    for u, p, r in rows)
    return f'<p style="margin-top:18px">演示数据账号（仅演示库提供）：</p><ul style="font-size:13px;color:#555">{items}</ul>'


def _first_run_page() -> HTMLResponse:
    """While the service builds the demo (or the store is not open): progress, reloading itself every 2 s;
    once the store is ready the reload lands on the sign-in page."""
    p = firstrun.PROGRESS
    if p.get("error"):
        return _page("无法打开数据库", "请查看服务日志。", "", p["error"], status=503)
    if firstrun.building():
        pct = int(round(100 * float(p.get("fraction") or 0)))
        body = (f'<progress max="100" value="{pct}" style="width:100%"></progress>'
                f'<p>{pct}% · {html.escape(str(p.get("message") or ""))}</p>')
        resp = _page("首次启动", "正在生成演示连锁门店数据（约 300 家门店、12 个月、12 万条反馈），约需一分钟。"
                     "生成在服务中进行，关闭此页不会中断；本页每 2 秒自动刷新，完成后进入登录页。", body)
    else:
        resp = _page("数据库尚未就绪", "服务正在打开数据库，本页每 2 秒自动刷新。", "", status=503)
    resp.headers["Refresh"] = "2"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _signed_in(user: auth.User, nxt: str):
    con = state.store()
    if con is None:                 # no store, no session: say so instead of a redirect that signs nobody in
        return _first_run_page()
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(signin.COOKIE, signin.open_session(con, user), max_age=signin.COOKIE_MAX_AGE, httponly=True,
                    samesite="lax", secure=request_is_https(), path="/")
    return resp


def request_is_https() -> bool:
    return settings.env("CX_COOKIE_SECURE", "0") == "1"


async def login_post(request: Request):
    form = await request.form()
    nxt = safe_next(str(form.get("next") or "/"))
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    con = state.store()
    try:
        user = await anyio.to_thread.run_sync(lambda: signin.sign_in(con, username, password, _address(request)))
    except signin.SignInError as e:
        return _page("登录", "请使用您的账号登录。", _login_form(nxt, username), str(e), status=401)
    return _signed_in(user, nxt)


async def setup_post(request: Request):
    form = await request.form()
    nxt = safe_next(str(form.get("next") or "/"))
    if state.store() is None:
        return _first_run_page()
    if form.get("password") != form.get("password2"):
        return _page("创建首个总部管理员", "请重新输入。", _setup_form(nxt), "两次输入的密码不一致", status=400)
    try:
        user = signin.create_first_admin(str(form.get("code") or ""), str(form.get("username") or ""),
                                         str(form.get("password") or ""), str(form.get("name") or "") or None)
    except (signin.SignInError, auth.AuthError) as e:
        return _page("创建首个总部管理员", "请重新输入。", _setup_form(nxt), str(e), status=400)
    return _signed_in(user, nxt)


async def logout(request: Request):
    con = state.store()
    if con is not None:
        signin.close_session(con, request.cookies.get(signin.COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(signin.COOKIE, path="/")
    return resp


def first_admin_code() -> str | None:
    return signin.first_admin_code()


def login_url(next_path: str) -> str:
    return "/login?" + urllib.parse.urlencode({"next": safe_next(next_path)})


_OPEN = ("/login", "/auth/", "/api", "/healthz", "/readyz", "/_stcore", "/static", "/media", "/component",
         "/favicon", "/app/static", "/robots.txt")


class SignInGate:
    """Send a browser that opens a page without a valid session cookie to /login (and back after it)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["path"].startswith(_OPEN):
            req = Request(scope)
            if "text/html" in req.headers.get("accept", ""):
                con = state.store()
                if con is None or firstrun.building():      # demo being built by the service (or no store)
                    return await _first_run_page()(scope, receive, send)
                ok = auth.has_users() and await anyio.to_thread.run_sync(
                    lambda: signin.user_of(con, req.cookies.get(signin.COOKIE)) is not None)
                if not ok:                                  # no accounts yet: /login shows the set-up form
                    target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
                    return await RedirectResponse(login_url(target), status_code=303)(scope, receive, send)
        return await self.app(scope, receive, send)


def routes() -> list[Route]:
    return [Route("/login", login_page, methods=["GET"]), Route("/auth/login", login_post, methods=["POST"]),
            Route("/auth/setup", setup_post, methods=["POST"]), Route("/auth/logout", logout, methods=["GET", "POST"])]
