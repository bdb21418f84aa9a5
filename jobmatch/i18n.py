"""Translations: Chinese is the source language and the default; English is the second locale.

Message ids are the Chinese texts, so a missing translation still shows Chinese.
"""

from flask import g, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

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
    # Flask-Babel looks the catalogue up again for every string of a page (a hundred on the
    # dashboard); once per request is enough.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals["gettext"] = app.jinja_env.globals["_"] = _gettext


@pass_context
def _gettext(context, message: str, /, **variables):
    """Jinja's new-style ``_``. The text stays plain, so autoescape escapes it: ``_(message)``
    also prints flashes and errors that quote names people typed. Only a template with
    variables, a constant of the page, is marked safe, and ``%`` escapes what goes into it."""
    translated = _request_translations().ugettext(message)
    if not variables:
        return translated
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


def _request_translations():
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations
