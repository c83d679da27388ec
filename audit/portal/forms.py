"""The portal's forms (Flask-WTF: each carries and checks a CSRF token), their errors in the page's language.

WTForms ships no Vietnamese, so `PortalForm` gives its validators our catalogue instead: WTForms asks
its `Meta.get_translations` for every message it raises ("This field is required."), and
`CatalogueTranslations` answers with the catalogue's text in the page's language. The `%(max)d`
fields stay in the translated text, since WTForms fills them after translating. Field labels are
catalogue keys too, so that a page can say which field an error is about.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from audit.i18n import t
from audit.portal.locale import current_lang
from audit.portal.users import ROLES
from audit.selfassess.questionnaire import ANSWER_CHOICES

WTFORMS_MESSAGES = {
    "This field is required.": "portal.form.required",
    "Field must be at least %(min)d character long.": "portal.form.too_short",
    "Field must be at least %(min)d characters long.": "portal.form.too_short",
    "Field cannot be longer than %(max)d character.": "portal.form.too_long",
    "Field cannot be longer than %(max)d characters.": "portal.form.too_long",
    "Field must be exactly %(max)d character long.": "portal.form.exact_length",
    "Field must be exactly %(max)d characters long.": "portal.form.exact_length",
    "Field must be between %(min)d and %(max)d characters long.": "portal.form.length_between",
    "Not a valid choice.": "portal.form.bad_choice",
    "Invalid Choice: could not coerce.": "portal.form.bad_choice",
    "Invalid input.": "portal.form.invalid",
    "Not a valid date value.": "portal.form.bad_date",
    "Invalid CSRF Token.": "portal.error.csrf",
    "CSRF token missing.": "portal.error.csrf",
    "CSRF failed.": "portal.error.csrf",
    "CSRF token expired.": "portal.error.csrf",
    "The CSRF token is missing.": "portal.error.csrf",
    "The CSRF token is invalid.": "portal.error.csrf",
    "The CSRF token has expired.": "portal.error.csrf",
    "The CSRF tokens do not match.": "portal.error.csrf",
}
"""WTForms' (and Flask-WTF's) English messages our forms can raise -> our catalogue keys."""


class CatalogueTranslations:
    """The `gettext`/`ngettext` pair WTForms asks for its messages, answered from our catalogue."""

    def gettext(self, string: str) -> str:
        key = WTFORMS_MESSAGES.get(string)
        lang = current_lang()
        return t(key, lang) if key and lang != "en" else string  # in English, WTForms' own words (its plurals)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = CatalogueTranslations()


class PortalForm(FlaskForm):
    """A Flask-WTF form whose validation messages come from the catalogue."""

    class Meta:
        def get_translations(self, form: Form) -> CatalogueTranslations:
            return TRANSLATIONS


class LoginForm(PortalForm):
    """User name and password."""

    username = StringField("portal.login.username", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("portal.login.password", validators=[DataRequired(), Length(max=1000)])


class TotpForm(PortalForm):
    """The six digits of an authenticator app."""

    code = StringField("portal.login.totp_code", validators=[DataRequired(), Length(min=6, max=8)])


class AnswerForm(PortalForm):
    """One row of the questionnaire."""

    requirement_id = HiddenField(validators=[DataRequired(), Length(max=200)])
    answer = SelectField(choices=["", *ANSWER_CHOICES], validators=[Optional()])
    justification = TextAreaField(validators=[Length(max=5000)])
    text = TextAreaField(validators=[Length(max=20000)])


class AddUserForm(PortalForm):
    """The admin page's new account."""

    username = StringField("portal.login.username", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("portal.login.password", validators=[DataRequired(), Length(max=1000)])
    role = SelectField("portal.users.role", choices=list(ROLES))
    outlet_id = StringField("portal.users.outlet", validators=[Optional(), Length(max=200)])


class ActionForm(PortalForm):
    """A button with nothing but its CSRF token (disable a user, log out)."""
