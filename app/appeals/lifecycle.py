"""The appeal state machine: which state an appeal is in and what may happen next.

Pure: no I/O, no database, no notion of *who* acts. The access layer decides whether a
given person may take an action; this module only decides whether the action makes sense
in the appeal's current state. Keeping the two apart means the whole life of an appeal is
one table below, testable pair by pair, and a new route cannot invent a transition.

Main path: draft ⇄ review → approved → open → closed → archived. ``reopen_review`` goes
back from approved or open to review; ``withdraw`` ends an appeal that was never opened.

Transition table (any pair not listed is refused with :class:`TransitionRefused`):

=================  =======================  =========  ========================================
action             from                     to         who (service.ACTION_RIGHTS, access.py)
=================  =======================  =========  ========================================
submit_for_review  draft                    review     whoever may edit: lead members, named
                                                       editors, coordinators
return_to_draft    review                   draft      whoever may edit
approve_complete   review                   approved   the system, when every co-author
                                                       organization approved the current
                                                       revision (a coordinator may ask)
open               approved                 open       a coordinator (appeals:run)
reopen_review      approved, open           review     a coordinator
close              open                     closed     a coordinator
archive            closed                   archived   a coordinator
withdraw           draft, review, approved  withdrawn  the lead's representatives, coordinators
=================  =======================  =========  ========================================

Why these rules:

* ``approve_complete`` is an action like the others (not a side effect hidden in the
  approval code) so the audit log and the tests see one more transition, not a special case.
* ``open`` freezes the text: what organizations sign is exactly the approved revision.
  Signing an appeal whose text could still move would make a signature meaningless.
* The approved text must not drift either: saving is refused in ``approved``. To change
  it a coordinator takes ``reopen_review`` (from ``approved``, or from ``open``, where it
  also pauses signing), then a save in ``review`` starts a new round of approvals.
* ``withdraw`` is only possible before the appeal is public (``open``). Once opened, an
  appeal has signatories and maybe recipients; it ends by ``close``, never by vanishing.
* ``withdrawn`` and ``archived`` are final: no action leaves them.
"""

from __future__ import annotations

from enum import StrEnum


class AppealState(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


class AppealAction(StrEnum):
    SUBMIT_FOR_REVIEW = "submit_for_review"
    RETURN_TO_DRAFT = "return_to_draft"
    APPROVE_COMPLETE = "approve_complete"
    OPEN = "open"
    REOPEN_REVIEW = "reopen_review"
    CLOSE = "close"
    ARCHIVE = "archive"
    WITHDRAW = "withdraw"


_S = AppealState
_A = AppealAction

# The one definition of the lifecycle: (state, action) -> next state.
TRANSITIONS: dict[tuple[AppealState, AppealAction], AppealState] = {
    (_S.DRAFT, _A.SUBMIT_FOR_REVIEW): _S.REVIEW,
    (_S.REVIEW, _A.RETURN_TO_DRAFT): _S.DRAFT,
    (_S.REVIEW, _A.APPROVE_COMPLETE): _S.APPROVED,
    (_S.APPROVED, _A.OPEN): _S.OPEN,
    (_S.APPROVED, _A.REOPEN_REVIEW): _S.REVIEW,
    (_S.OPEN, _A.REOPEN_REVIEW): _S.REVIEW,
    (_S.OPEN, _A.CLOSE): _S.CLOSED,
    (_S.CLOSED, _A.ARCHIVE): _S.ARCHIVED,
    (_S.DRAFT, _A.WITHDRAW): _S.WITHDRAWN,
    (_S.REVIEW, _A.WITHDRAW): _S.WITHDRAWN,
    (_S.APPROVED, _A.WITHDRAW): _S.WITHDRAWN,
}

_ALLOWED: dict[AppealState, frozenset[AppealAction]] = {
    state: frozenset(action for (source, action) in TRANSITIONS if source is state)
    for state in AppealState
}


class TransitionRefused(Exception):
    """``action`` is not possible while the appeal is in ``state``.

    Both are kept as attributes so the API layer can answer with a stable problem type;
    ``str()`` says it for a person."""

    def __init__(self, state: AppealState, action: AppealAction) -> None:
        self.state = state
        self.action = action
        allowed = ", ".join(sorted(_ALLOWED.get(state, frozenset()))) or "nothing"
        super().__init__(
            f"an appeal in state {state.value} cannot take the action {action.value} "
            f"(allowed: {allowed})"
        )


def transition(state: AppealState, action: AppealAction) -> AppealState:
    """The state after ``action``; :class:`TransitionRefused` if it is not allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionRefused(state, action) from None


def allowed_actions(state: AppealState) -> frozenset[AppealAction]:
    """The actions :func:`transition` accepts in ``state`` (empty for final states)."""
    return _ALLOWED[state]


def can_save_revision(state: AppealState) -> bool:
    """Whether a new revision of the text may be saved: in ``draft`` and ``review`` only.

    Saving in ``review`` resets every co-author organization's approval: an approval is of
    one revision, and a new revision has not been approved by anyone yet. In ``approved`` a
    save is refused so the approved text cannot drift; a coordinator takes ``reopen_review``
    first. From ``open`` on the text is frozen, and a withdrawn appeal is over."""
    return state in (AppealState.DRAFT, AppealState.REVIEW)


def accepts_signatures(state: AppealState) -> bool:
    """Whether organizations may sign: only while ``open`` (``reopen_review`` pauses it)."""
    return state == AppealState.OPEN


def is_frozen(state: AppealState) -> bool:
    """Whether the text is fixed for good: once opened it is what was signed, and it stays
    so when closed or archived (a reopened review unfreezes it, leaving ``open``)."""
    return state in (AppealState.OPEN, AppealState.CLOSED, AppealState.ARCHIVED)


def co_authors_may_leave(state: AppealState) -> bool:
    """Whether a co-author organization may leave the appeal: before it is opened
    (``draft``, ``review``, ``approved``). After that its name is on a public text."""
    return state in (AppealState.DRAFT, AppealState.REVIEW, AppealState.APPROVED)
