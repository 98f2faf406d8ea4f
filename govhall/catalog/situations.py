"""情形引导: an item's situation questions, and which of its materials a given set of answers needs.

A material's `applies_when` names, per question, the options under which it is needed:
"applicant_type=company; agent=yes" (AND across questions, "a,b" = either option of one question). An empty
condition means always. The answers are {question key: option key}; every question must be answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from govhall.catalog.models import Material, ServiceItem, SituationQuestion

Condition = dict[str, frozenset[str]]


def parse_condition(text: str) -> Condition:
    """ "a=x; b=y,z" → {"a": {"x"}, "b": {"y", "z"}}; ValueError naming a part that is not question=option."""
    condition: Condition = {}
    for part in re.split(r"[;；]", text or ""):
        if not part.strip():
            continue
        question, sep, options = part.partition("=")
        keys = frozenset(o.strip() for o in re.split(r"[,，|]", options) if o.strip())
        if not sep or not question.strip() or not keys:
            raise ValueError(_("“%(part)s” is not question=option.") % {"part": part.strip()})
        condition[question.strip()] = condition.get(question.strip(), frozenset()) | keys
    return condition


def condition_errors(text: str, questions: Mapping[str, Iterable[str]]) -> list[str]:
    """Why a material's condition does not fit the item's questions ({key: option keys}); [] when it does."""
    try:
        condition = parse_condition(text)
    except ValueError as exc:
        return [str(exc)]
    errors = []
    for key, options in condition.items():
        if key not in questions:
            errors.append(_("The item has no situation question “%(key)s”.") % {"key": key})
            continue
        for option in sorted(options - set(questions[key])):
            errors.append(
                _("The question “%(key)s” has no option “%(option)s”.") % {"key": key, "option": option}
            )
    return errors


def applies(material: Material, answers: Mapping[str, str]) -> bool:
    return all(answers.get(key) in options for key, options in parse_condition(material.applies_when).items())


def questions_of(item: ServiceItem) -> list[SituationQuestion]:
    """The item's questions in order: kept per process for a published version (catalog.published)."""
    from govhall.catalog import published

    return list(published.questions(item))


def check_answers(questions: Sequence[SituationQuestion], answers: Mapping[str, str]) -> None:
    """Every question answered with one of its options, nothing else; one error per question key."""
    errors: dict[str, list[str]] = {}
    known = {q.key for q in questions}
    for question in questions:
        options = dict(question.option_list)
        answer = answers.get(question.key)
        if not answer:
            errors[question.key] = [_("Answer the question “%(question)s”.") % {"question": question.text}]
        elif answer not in options:
            errors[question.key] = [
                _("“%(answer)s” is not an answer to “%(question)s”; choose one of: %(options)s.")
                % {"answer": answer, "question": question.text, "options": "、".join(options.values())}
            ]
    for key in sorted(set(answers) - known):
        errors[key] = [_("The item has no situation question “%(key)s”.") % {"key": key}]
    if errors:
        raise ValidationError(errors)


def materials_for(item: ServiceItem, answers: Mapping[str, str]) -> list[Material]:
    """The item's materials that the answers need, in catalogue order.

    Raises ValidationError keyed by question for a question left unanswered, an answer that is not one of
    its options, or a key that is not a question of the item.
    """
    from govhall.catalog import published

    questions = questions_of(item)
    check_answers(questions, answers)
    return [m for m in published.materials(item) if applies(m, answers)]


def situation_errors(
    *, questions: Iterable[tuple[str, str]], conditions: Iterable[str]
) -> dict[str, list[str]]:
    """The rules between an item's questions ((key, options text)) and its materials' conditions."""
    from govhall.catalog.guide_models import parse_options

    errors: dict[str, list[str]] = {}
    parsed: dict[str, list[str]] = {}
    for key, options in questions:
        if key in parsed:
            errors.setdefault("situations", []).append(
                _("The question key “%(key)s” appears twice.") % {"key": key}
            )
        try:
            parsed[key] = [k for k, _label in parse_options(options)]
        except ValueError as exc:
            errors.setdefault("situations", []).append(f"{key}: {exc}")
            parsed[key] = []
    for text in conditions:
        for message in condition_errors(text, parsed):
            errors.setdefault("applies_when", []).append(message)
    return errors
