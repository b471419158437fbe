"""Casserole: a neighbourhood service pairing volunteer cooks with older neighbours."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from casserole.errors import ConfigError
from casserole.links import check_base_url
from casserole.security import register_security

_ROOT = Path(__file__).resolve().parent.parent
# gunicorn's exit status for a worker that cannot boot: the arbiter halts instead of respawning.
WORKER_BOOT_ERROR = 3


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; `config` is a config class or a mapping of overrides."""
    try:
        return _build_app(config)
    except ConfigError as err:
        if "gunicorn.arbiter" not in sys.modules:
            raise
        # A gunicorn worker that exits with 1 is restarted forever while clients hang; 3 is
        # gunicorn's "worker failed to boot", which stops the whole server. Say why first.
        print(err.code, file=sys.stderr, flush=True)
        raise SystemExit(WORKER_BOOT_ERROR) from None


def _build_app(config: type | dict[str, Any] | None) -> Flask:
    """create_app's work; configuration problems surface as ConfigError."""
    from config import Config, config_from_env

    app = Flask(
        __name__,
        template_folder=str(_ROOT / "templates"),
        # Tests and packaged installs point this elsewhere; default: ./instance in the checkout.
        instance_path=os.environ.get("CASSEROLE_INSTANCE_PATH") or str(_ROOT / "instance"),
        instance_relative_config=True,
    )
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_from_env())
        if config:
            app.config.from_mapping(config)
    app.config.setdefault("ENV_NAME", Config.ENV_NAME)

    _resolve_secret_key(app)
    _resolve_database_url(app)
    _resolve_web_settings(app)
    register_url_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security(app)
    from casserole.ops import register_request_log

    register_request_log(app)
    if app.config.get("CHECK_DATABASE_ON_START"):
        _check_database(app)
    return app


def _resolve_secret_key(app: Flask) -> None:
    """Production needs SECRET_KEY; development keeps a generated one in the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise ConfigError("SECRET_KEY is not set; production refuses to start without one")
    key_file = Path(app.instance_path) / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _resolve_web_settings(app: Flask) -> None:
    """Debug off in production, the public address for links, and the trusted proxies."""
    if app.config["ENV_NAME"] == "production":
        # `--debug` or FLASK_DEBUG=1 would serve tracebacks and Werkzeug's console to anyone;
        # `flask run` reads FLASK_DEBUG again after loading the app, so reset it there too.
        app.debug = False
        app.config["DEBUG"] = False
        os.environ["FLASK_DEBUG"] = "0"
    app.config["PUBLIC_BASE_URL"] = check_base_url(
        app.config.get("PUBLIC_BASE_URL"), app.config["ENV_NAME"]
    )
    raw = str(app.config.get("TRUSTED_PROXIES") or "0").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > 5:
        raise ConfigError(
            f"TRUSTED_PROXIES={raw!r} must be the number of proxies in front of the app (0-5)"
        )
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if storage.startswith(("redis://", "rediss://")):
        # An unreachable Redis must fail in a second, not hang the request.
        options = {"socket_connect_timeout": 1, "socket_timeout": 1}
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            **options,
            **(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}),
        }
    proxies = int(raw)
    app.config["TRUSTED_PROXIES"] = proxies
    if proxies:
        # Only X-Forwarded-For and -Proto: links never come from the request, and a proxy
        # that does not set X-Forwarded-Host would let a client choose it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def _resolve_database_url(app: Flask) -> None:
    """Default to SQLite in the instance folder; normalise and validate a given URL."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'casserole.sqlite3'}"
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        raise ConfigError(
            f"DATABASE_URL {url!r} is not a database URL "
            "(expected e.g. postgresql://user@host:5432/casserole or sqlite:///casserole.db)"
        ) from None
    # Hosting platforms hand out postgres:// URLs; psycopg 3 is the driver we ship.
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ConfigError(
            f"DATABASE_URL uses {parsed.get_backend_name()!r}; "
            "Casserole runs on sqlite or postgresql"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = parsed.render_as_string(hide_password=False)
    if parsed.get_backend_name() == "postgresql":
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        # An unreachable server should fail in seconds, not hang start-up.
        options.setdefault("connect_args", {"connect_timeout": 5})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys only when asked, per connection; wait on locks briefly."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _check_database(app: Flask) -> None:
    """Connect once so a wrong DATABASE_URL stops start-up with a one-line reason."""
    from casserole.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except sa_exc.SQLAlchemyError as err:
            shown = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
                hide_password=True
            )
            reason = str(getattr(err, "orig", err) or err).strip().splitlines()[0]
            raise ConfigError(f"cannot connect to DATABASE_URL {shown}: {reason}") from None


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in every route takes only ids the database can hold (else a 404)."""
    from casserole.params import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from casserole.extensions import csrf, db, limiter, login_manager, migrate

    try:
        db.init_app(app)
    except (ModuleNotFoundError, sa_exc.NoSuchModuleError) as err:
        raise ConfigError(f"DATABASE_URL needs a driver that is not installed: {err}") from None
    migrate.init_app(app, db, directory=str(_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    from casserole import i18n

    i18n.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    # Flask-Login flashes it through this, so it comes in the page's language.
    from flask_babel import gettext

    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"

    from casserole.services.accounts import load_user

    login_manager.user_loader(load_user)

    from casserole import jobs

    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach the feature blueprints (imported here so models load after extensions)."""
    from casserole.admin import tokens as _admin_tokens  # noqa: F401  (its routes join admin_bp)
    from casserole.admin.routes import bp as admin_bp
    from casserole.auth.routes import bp as auth_bp
    from casserole.coordinator.routes import bp as coordinator_bp
    from casserole.language.routes import bp as language_bp
    from casserole.main.routes import bp as main_bp
    from casserole.ops import bp as ops_bp
    from casserole.pairings.routes import bp as pairings_bp
    from casserole.profiles.routes import bp as profiles_bp
    from casserole.public.routes import bp as public_bp
    from casserole.rights.routes import bp as rights_bp
    from casserole.signup.routes import bp as signup_bp

    for blueprint in (
        main_bp,
        auth_bp,
        signup_bp,
        profiles_bp,
        pairings_bp,
        coordinator_bp,
        rights_bp,
        admin_bp,
        public_bp,
        language_bp,
        ops_bp,
    ):
        app.register_blueprint(blueprint)
    from casserole.api import register_api

    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly pages for the errors people can meet."""
    from werkzeug.exceptions import HTTPException

    from casserole.errors import error_wording

    def render_error(error: Any) -> tuple[str, int]:
        code = getattr(error, "code", 500) or 500
        default = getattr(type(error), "description", None)
        heading, message = error_wording(code, getattr(error, "description", None), default)
        page = render_template(
            "errors/error.html", error=error, code=code, heading=heading, message=message
        )
        return page, code

    for code in (400, 403, 404, 405, 409, 413, 422, 429, 500, 503):
        app.register_error_handler(code, render_error)
    # Any other 4xx or 5xx (401, 406, 410, 415, 501...) gets the same page, not Werkzeug's.
    app.register_error_handler(HTTPException, render_error)

    def database_unavailable(error: Exception) -> tuple[str, int]:
        # A lost database connection is an outage, not a bug in the request: say so, roll
        # back whatever the request had started, and let the person try again.
        from flask import g

        from casserole.extensions import db, login_manager

        # The connection may be gone; the pool replaces it once the server is back.
        with contextlib.suppress(sa_exc.SQLAlchemyError):
            db.session.rollback()
        # The page must not need the database: a logged-in person's page would load their
        # account again (and fail again, ending in a bare 500). Show it as to a visitor.
        g._login_user = login_manager.anonymous_user()
        app.logger.error("database unavailable: %s", error)
        heading, message = error_wording(503, None, None)
        page = render_template(
            "errors/error.html", error=error, code=503, heading=heading, message=message
        )
        return page, 503

    app.register_error_handler(sa_exc.OperationalError, database_unavailable)

    def value_out_of_range(error: Exception) -> tuple[str, int]:
        # A value the database cannot hold (an id beyond its integer range, say) reached a
        # query: that is bad input, not a server fault. Forms should catch it first; this
        # is the safety net so it is never a 500.
        from casserole.extensions import db

        db.session.rollback()
        app.logger.warning("value the database refused: %s", error)
        from flask_babel import gettext

        message = gettext("One of the values sent is out of range.")
        page = render_template(
            "errors/error.html",
            error=error,
            code=400,
            heading=error_wording(400, None, None)[0],
            message=message,
        )
        return page, 400

    app.register_error_handler(sa_exc.DataError, value_out_of_range)

    from flask_wtf.csrf import CSRFError

    def form_expired(error: CSRFError) -> tuple[str, int]:
        # The token is missing or stale (an old tab, a form sent from another site): say
        # what to do instead of "CSRF token missing".
        from flask_babel import gettext

        error.description = gettext(
            "This form could not be accepted: it was open too long or came from another "
            "site. Please go back, reload the page and try again."
        )
        heading, message = error_wording(400, error.description, None)
        page = render_template(
            "errors/error.html", error=error, code=400, heading=heading, message=message
        )
        return page, 400

    app.register_error_handler(CSRFError, form_expired)


def register_commands(app: Flask) -> None:
    """Add the `flask` CLI commands."""
    from casserole.commands import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters shared by every template."""
    from casserole import formatting
    from casserole.models.vocab import allergen_names, mask_to_allergens
    from casserole.services.diner_details import allergen_lines
    from casserole.services.pairings.allergens import recent_allergen_alerts

    app.jinja_env.filters["long_date"] = formatting.long_date
    # A diner's allergens, one plain-English line each, wherever their needs are shown.
    app.jinja_env.globals["allergen_lines"] = allergen_lines
    app.jinja_env.globals["recent_allergen_alerts"] = recent_allergen_alerts
    app.jinja_env.filters["allergen_list"] = lambda mask: allergen_names(mask_to_allergens(mask))
    app.jinja_env.filters["miles"] = formatting.miles
    app.jinja_env.filters["day_list"] = formatting.day_list
    app.jinja_env.filters["word_list"] = formatting.word_list
    # {{ count|plural("cook") }}: templates agree nouns with the same helper as the services.
    app.jinja_env.filters["plural"] = formatting.plural
    app.jinja_env.globals["day_names"] = formatting.DAY_NAMES
    app.jinja_env.globals["day_name"] = formatting.day_name
    app.jinja_env.filters["money"] = formatting.money
    app.jinja_env.filters["number"] = formatting.number
    from casserole.i18n import diet_label, role_name, status_name

    app.jinja_env.filters["diet_label"] = diet_label
    app.jinja_env.filters["status_name"] = status_name

    app.jinja_env.globals["role_name"] = role_name
