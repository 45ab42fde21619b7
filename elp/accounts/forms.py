"""Forms for joining, signing in, colleagues and passwords.

They check that answers are present and well-formed; the rules (is the code valid, is the
email taken, is the password allowed) are the services' to apply.
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from elp.accounts import services
from elp.text import one_line


def _strip(value):
    return value.strip() if value else value


def _well_formed_email(form, field):
    problem = services.email_format_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _email_field(message="Enter your email address"):
    return StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            _well_formed_email,
        ],
    )


def _full_name_field():
    return StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
            one_line("Full name"),
        ],
    )


def _job_title_field():
    return StringField(
        "Job title",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter your job title"),
            Length(max=120, message="Job title must be 120 characters or fewer"),
            one_line("Job title"),
        ],
    )


def _password_field():
    return PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a password")],
        description="At least 12 characters. A few unrelated words together are easy to "
        "remember and hard to guess.",
    )


def _confirm_password_field():
    return PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


# A form's fields, and so its error summary, run in the order they are made: forms whose
# password comes after other questions make their own password fields after those.


class NewPasswordForm(FlaskForm):
    """A new password typed twice; the policy itself is applied by the service."""

    password = _password_field()
    confirm_password = _confirm_password_field()


class SignInForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class JoinForm(NewPasswordForm):
    access_code = StringField(
        "Access code",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the access code ELP gave your school"),
            Length(max=40, message="Enter a correct access code"),
        ],
        description="ELP gave it to your school, for example 7KQM-R4TX-HW2C",
    )
    full_name = _full_name_field()
    job_title = _job_title_field()
    email = _email_field()
    password = _password_field()
    confirm_password = _confirm_password_field()
    submit = SubmitField("Join ELP Exchange", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        """Check the answers, then the code, email and password together, so every problem
        is reported at once (the code is checked again when it is redeemed)."""
        valid = super().validate(extra_validators)
        problems = services.join_problems(
            self.access_code.data, self.email.data, self.password.data
        )
        for name, message in problems.items():
            field = getattr(self, name)
            if not field.errors:
                field.errors.append(message)
        self._errors = None  # WTForms caches form.errors; the lists just grew
        return valid and not problems


class InviteForm(FlaskForm):
    email = _email_field(message="Enter your colleague's email address")
    full_name = StringField(
        "Full name (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Length(max=120, message="Full name must be 120 characters or fewer"),
            one_line("Full name"),
        ],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AcceptInvitationForm(NewPasswordForm):
    full_name = _full_name_field()
    job_title = _job_title_field()
    password = _password_field()
    confirm_password = _confirm_password_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send link", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordForm):
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that confirms an action (remove a colleague, sign out): only the CSRF token."""


# Your account


def _current_password_field():
    return PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )


class AccountDetailsForm(FlaskForm):
    full_name = _full_name_field()
    job_title = _job_title_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current_password = _current_password_field()
    password = _password_field()
    confirm_password = _confirm_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ChangeEmailForm(FlaskForm):
    email = _email_field(message="Enter your new email address")
    current_password = _current_password_field()
    submit = SubmitField("Send confirmation link", widget=GovSubmitInput())
