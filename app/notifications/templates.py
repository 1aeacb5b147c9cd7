"""Email texts in the user's language. Plain text only: no tracking, no remote content.

Each template is a (subject, body) pair of ``str.format`` patterns per language; a missing
language falls back to English. Values are never personal beyond what the recipient
already knows (their own name, the link meant for them).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "be", "ru")

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "new_sign_in": {
        "en": (
            "New sign-in to Accord",
            "Hello {name},\n\nYour Accord account was signed in to at {time} UTC ({method}).\n"
            "If this was not you, sign in, end all sessions under Account security and "
            "change your password, then tell your coordinator.\n",
        ),
        "be": (
            "Новы ўваход у Accord",
            "Вітаем, {name}!\n\nУ ваш уліковы запіс Accord увайшлі {time} UTC ({method}).\n"
            "Калі гэта былі не вы, увайдзіце, завяршыце ўсе сеансы ў раздзеле «Бяспека "
            "ўліковага запісу», змяніце пароль і паведаміце каардынатару.\n",
        ),
        "ru": (
            "Новый вход в Accord",
            "Здравствуйте, {name}!\n\nВ вашу учётную запись Accord вошли {time} UTC ({method}).\n"
            "Если это были не вы, войдите, завершите все сеансы в разделе «Безопасность "
            "учётной записи», смените пароль и сообщите координатору.\n",
        ),
    },
    "credential_changed": {
        "en": (
            "Your Accord sign-in settings changed",
            "Hello {name},\n\nAt {time} UTC this changed on your Accord account: {change}.\n"
            "If you did not do this, contact your coordinator immediately.\n",
        ),
        "be": (
            "Налады ўваходу ў Accord змяніліся",
            "Вітаем, {name}!\n\n{time} UTC у вашым уліковым запісе Accord змянілася: "
            "{change}.\nКалі гэта зрабілі не вы, неадкладна звяжыцеся з каардынатарам.\n",
        ),
        "ru": (
            "Настройки входа в Accord изменились",
            "Здравствуйте, {name}!\n\n{time} UTC в вашей учётной записи Accord изменилось: "
            "{change}.\nЕсли это сделали не вы, немедленно свяжитесь с координатором.\n",
        ),
    },
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def render(kind: str, language: str, **values: str) -> RenderedEmail:
    variants = TEMPLATES[kind]
    subject, body = variants.get(language) or variants["en"]
    return RenderedEmail(subject.format(**values), body.format(**values))
