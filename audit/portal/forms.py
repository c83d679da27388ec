"""The portal's forms (Flask-WTF: each carries and checks a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from audit.portal.users import ROLES
from audit.selfassess.questionnaire import ANSWER_CHOICES


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField(validators=[DataRequired(), Length(max=200)])
    password = PasswordField(validators=[DataRequired(), Length(max=1000)])


class TotpForm(FlaskForm):
    """The six digits of an authenticator app."""

    code = StringField(validators=[DataRequired(), Length(min=6, max=8)])


class AnswerForm(FlaskForm):
    """One row of the questionnaire."""

    requirement_id = HiddenField(validators=[DataRequired(), Length(max=200)])
    answer = SelectField(choices=["", *ANSWER_CHOICES], validators=[Optional()])
    justification = TextAreaField(validators=[Length(max=5000)])
    text = TextAreaField(validators=[Length(max=20000)])


class AddUserForm(FlaskForm):
    """The admin page's new account."""

    username = StringField(validators=[DataRequired(), Length(max=200)])
    password = PasswordField(validators=[DataRequired(), Length(max=1000)])
    role = SelectField(choices=list(ROLES))
    outlet_id = StringField(validators=[Optional(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button with nothing but its CSRF token (disable a user, log out)."""
