"""Flask extensions, created unbound and initialised in create_app."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from casserole.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are declared on the views that need them (login, sign-up, password reset);
# storage is RATELIMIT_STORAGE_URI (memory by default; Redis for several workers).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
