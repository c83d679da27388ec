"""Who may open what: every view names its roles, and outlet pages check the outlet is the user's own.

Denials are 403 for a logged-in user (and logged), a redirect to the login page for anyone else.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[F], F]:
    """Only users of these roles; for a view with an `outlet_id`, an outlet member only of that outlet."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            if "outlet_id" in kwargs and current_user.role == "outlet" and kwargs["outlet_id"] != current_user.outlet_id:
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapper)  # type: ignore[return-value]

    return decorate
