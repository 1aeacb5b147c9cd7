"""The appeal lifecycle, checked pair by pair against a table written out here.

The expected table is written independently of app/appeals/lifecycle.py on purpose: a
change to the state machine has to change this table too, in the same review."""

from __future__ import annotations

import pytest

from app.appeals.lifecycle import (
    AppealAction,
    AppealState,
    TransitionRefused,
    accepts_signatures,
    allowed_actions,
    can_save_revision,
    co_authors_may_leave,
    is_frozen,
    transition,
)

S = AppealState
A = AppealAction
X = None  # refused

# Rows: states. Columns, in this order:
COLUMNS = (
    A.SUBMIT_FOR_REVIEW,
    A.RETURN_TO_DRAFT,
    A.APPROVE_COMPLETE,
    A.OPEN,
    A.REOPEN_REVIEW,
    A.CLOSE,
    A.ARCHIVE,
    A.WITHDRAW,
)
EXPECTED: dict[AppealState, tuple[AppealState | None, ...]] = {
    S.DRAFT: (S.REVIEW, X, X, X, X, X, X, S.WITHDRAWN),
    S.REVIEW: (X, S.DRAFT, S.APPROVED, X, X, X, X, S.WITHDRAWN),
    S.APPROVED: (X, X, X, S.OPEN, S.REVIEW, X, X, S.WITHDRAWN),
    S.OPEN: (X, X, X, X, S.REVIEW, S.CLOSED, X, X),
    S.CLOSED: (X, X, X, X, X, X, S.ARCHIVED, X),
    S.ARCHIVED: (X, X, X, X, X, X, X, X),
    S.WITHDRAWN: (X, X, X, X, X, X, X, X),
}

CASES = [
    pytest.param(state, action, EXPECTED[state][i], id=f"{state.value}-{action.value}")
    for state in AppealState
    for i, action in enumerate(COLUMNS)
]


def test_the_table_covers_every_state_and_action() -> None:
    assert set(EXPECTED) == set(AppealState)
    assert set(COLUMNS) == set(AppealAction)
    assert len(CASES) == 7 * 8


@pytest.mark.parametrize(("state", "action", "expected"), CASES)
def test_transition(state: AppealState, action: AppealAction, expected: AppealState | None) -> None:
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            transition(state, action)
        assert refused.value.state is state
        assert refused.value.action is action
        assert state.value in str(refused.value) and action.value in str(refused.value)
        assert action not in allowed_actions(state)
    else:
        assert transition(state, action) is expected
        assert action in allowed_actions(state)


@pytest.mark.parametrize("state", list(AppealState))
def test_allowed_actions_match_the_table(state: AppealState) -> None:
    expected = {action for action, to in zip(COLUMNS, EXPECTED[state], strict=True) if to}
    assert allowed_actions(state) == frozenset(expected)


def test_refusal_says_what_is_allowed() -> None:
    message = str(TransitionRefused(S.CLOSED, A.WITHDRAW))
    assert "archive" in message
    assert "nothing" in str(TransitionRefused(S.ARCHIVED, A.OPEN))


#                 save   signatures  frozen  co-authors may leave
PREDICATES: dict[AppealState, tuple[bool, bool, bool, bool]] = {
    S.DRAFT: (True, False, False, True),
    S.REVIEW: (True, False, False, True),
    S.APPROVED: (False, False, False, True),
    S.OPEN: (False, True, True, False),
    S.CLOSED: (False, False, True, False),
    S.ARCHIVED: (False, False, True, False),
    S.WITHDRAWN: (False, False, False, False),
}


@pytest.mark.parametrize("state", list(AppealState))
def test_predicates(state: AppealState) -> None:
    save, signatures, frozen, may_leave = PREDICATES[state]
    assert can_save_revision(state) is save
    assert accepts_signatures(state) is signatures
    assert is_frozen(state) is frozen
    assert co_authors_may_leave(state) is may_leave


def test_an_approved_text_changes_only_through_review() -> None:
    # A save in approved is refused; reopen_review brings the appeal back to where a save
    # (and with it a new round of approvals) is possible.
    assert not can_save_revision(S.APPROVED)
    assert can_save_revision(transition(S.APPROVED, A.REOPEN_REVIEW))
    reopened = transition(S.OPEN, A.REOPEN_REVIEW)
    assert not accepts_signatures(reopened) and not is_frozen(reopened)
