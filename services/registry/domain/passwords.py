"""The password policy: long enough, and not guessable by a strength estimator (zxcvbn), which
knows dictionaries, keyboard patterns, dates, repeats and the account's own name."""
from __future__ import annotations

from zxcvbn import zxcvbn

MAX_CHECKED = 100  # zxcvbn's cost grows with length; anything this long has the length it needs


def password_problem(password: str, *, username: str, min_length: int, min_score: int,
                     context: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` is refused, or None when it is acceptable."""
    if len(password) < min_length:
        return f"use at least {min_length} characters"
    if password.strip() != password or not password.isprintable():
        return "no leading or trailing spaces and no control characters"
    result = zxcvbn(password[:MAX_CHECKED], user_inputs=[username, *username.split("-"), "thidua", *context])
    if int(result["score"]) < min_score:
        feedback = result.get("feedback") or {}
        hint = feedback.get("warning") or "add more unrelated words or characters"
        return f"too easy to guess (strength {result['score']} of 4, {min_score} needed): {hint}"
    return None
