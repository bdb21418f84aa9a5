"""Translations: Chinese is the source language and the default; English is the second locale.

Message ids are the Chinese texts, so a missing translation still shows Chinese.
"""

from flask import request, session
from flask_babel import Babel, get_locale

SUPPORTED_LOCALES = ("zh", "en")


def select_locale() -> str:
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in SUPPORTED_LOCALES:
        session["lang"] = chosen
        return chosen
    return "zh"


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
