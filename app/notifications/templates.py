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
    # Names neither the organization nor the coalition: mail crosses providers an
    # adversary may read. The page behind the link shows what the invitation is for.
    "invitation": {
        "en": (
            "Your invitation to Accord",
            "Hello,\n\nYou have been invited to join Accord. Open this link to see the "
            "details and accept the invitation:\n\n{link}\n\n"
            "The link works only once and until {expires} UTC. Do not forward it to anyone.\n"
            "If you did not expect this message, simply delete it.\n",
        ),
        "be": (
            "Запрашэнне ў Accord",
            "Вітаем!\n\nВас запрасілі далучыцца да Accord. Адкрыйце спасылку, каб убачыць "
            "падрабязнасці і прыняць запрашэнне:\n\n{link}\n\n"
            "Спасылка спрацуе толькі адзін раз і дзейнічае да {expires} UTC. Нікому яе "
            "не перасылайце.\nКалі вы не чакалі гэтага ліста, проста выдаліце яго.\n",
        ),
        "ru": (
            "Приглашение в Accord",
            "Здравствуйте!\n\nВас пригласили присоединиться к Accord. Откройте ссылку, "
            "чтобы увидеть подробности и принять приглашение:\n\n{link}\n\n"
            "Ссылка сработает только один раз и действует до {expires} UTC. Никому её "
            "не пересылайте.\nЕсли вы не ждали этого письма, просто удалите его.\n",
        ),
    },
    # An appeal's letter sent from Accord to a recipient (app/outreach/dispatches): the
    # letter itself, in its own language; the subject is its title.
    "outreach_letter": {
        "en": ("{subject}", "{letter}"),
        "be": ("{subject}", "{letter}"),
        "ru": ("{subject}", "{letter}"),
    },
    # A coordinator's daily follow-ups: recipients' short names and due dates only (no
    # contacts, no appeal titles: mail crosses providers an adversary may read).
    "follow_up_digest": {
        "en": (
            "Your follow-ups for today",
            "Hello {name},\n\nFollow-ups due today:\n{due_today}\n\n"
            "Overdue follow-ups:\n{overdue}\n\n"
            "Sign in to Accord to record what came of them:\n{link}\n",
        ),
        "be": (
            "Вашы напаміны на сёння",
            "Вітаем, {name}!\n\nНапаміны на сёння:\n{due_today}\n\n"
            "Пратэрмінаваныя напаміны:\n{overdue}\n\n"
            "Увайдзіце ў Accord, каб запісаць, чым яны скончыліся:\n{link}\n",
        ),
        "ru": (
            "Ваши напоминания на сегодня",
            "Здравствуйте, {name}!\n\nНапоминания на сегодня:\n{due_today}\n\n"
            "Просроченные напоминания:\n{overdue}\n\n"
            "Войдите в Accord, чтобы записать, чем они закончились:\n{link}\n",
        ),
    },
    # `accord keys retire --force` withdrew recovery codes made under a retired key version
    # (app/key_lifecycle.py): nothing the user did, so no "if this was not you".
    "recovery_codes_withdrawn": {
        "en": (
            "Make new Accord recovery codes",
            "Hello {name},\n\nAt {time} UTC the Accord operators replaced an encryption key, "
            "and your recovery codes no longer work. Your password, authenticator app and "
            "passkeys are not affected.\nSign in and create new recovery codes under Account "
            "security, then keep them somewhere safe.\n",
        ),
        "be": (
            "Стварыце новыя коды аднаўлення Accord",
            "Вітаем, {name}!\n\n{time} UTC адміністратары Accord замянілі ключ шыфравання, і "
            "вашы коды аднаўлення больш не дзейнічаюць. Пароль, праграма-аўтэнтыфікатар і "
            "ключы доступу працуюць як раней.\nУвайдзіце і стварыце новыя коды аднаўлення ў "
            "раздзеле «Бяспека ўліковага запісу», потым захоўвайце іх у надзейным месцы.\n",
        ),
        "ru": (
            "Создайте новые коды восстановления Accord",
            "Здравствуйте, {name}!\n\n{time} UTC администраторы Accord заменили ключ "
            "шифрования, и ваши коды восстановления больше не действуют. Пароль, "
            "приложение-аутентификатор и ключи доступа работают как прежде.\nВойдите и "
            "создайте новые коды восстановления в разделе «Безопасность учётной записи», "
            "затем храните их в надёжном месте.\n",
        ),
    },
    # To the NEW address of an email change. Names neither the account holder nor the
    # coalition: the address may be a typo, and mail crosses providers an adversary may read.
    "email_change_code": {
        "en": (
            "Confirm your new email address for Accord",
            "Hello,\n\nSomeone signed in to Accord asked to use this address for their "
            "account. To confirm it, enter this code on the Account security page where the "
            "change was asked for:\n\n{code}\n\n"
            "The code works once and until {expires} UTC. Do not give it to anyone.\n"
            "If you did not ask for this, simply delete this message: nothing changes "
            "without the code.\n",
        ),
        "be": (
            "Пацвердзіце новы адрас электроннай пошты для Accord",
            "Вітаем!\n\nХтосьці, хто ўвайшоў у Accord, папрасіў выкарыстоўваць гэты адрас "
            "для свайго ўліковага запісу. Каб пацвердзіць яго, увядзіце гэты код на старонцы "
            "«Бяспека ўліковага запісу», дзе была запытана змена:\n\n{code}\n\n"
            "Код спрацуе толькі адзін раз і дзейнічае да {expires} UTC. Нікому яго не "
            "паведамляйце.\nКалі вы гэтага не прасілі, проста выдаліце гэты ліст: без кода "
            "нічога не зменіцца.\n",
        ),
        "ru": (
            "Подтвердите новый адрес электронной почты для Accord",
            "Здравствуйте!\n\nКто-то, кто вошёл в Accord, попросил использовать этот адрес "
            "для своего аккаунта. Чтобы подтвердить его, введите этот код на странице "
            "«Безопасность аккаунта», где было запрошено изменение:\n\n{code}\n\n"
            "Код сработает только один раз и действует до {expires} UTC. Никому его не "
            "сообщайте.\nЕсли вы этого не просили, просто удалите это письмо: без кода "
            "ничего не изменится.\n",
        ),
    },
    # Appeal notices name neither the appeal nor an organization (mail crosses providers an
    # adversary may read): the link leads to the page, behind sign-in.
    "appeal_approval_requested": {
        "en": (
            "An appeal is waiting for your organization's approval",
            "Hello {name},\n\nAn appeal your organization co-authors is in review and needs "
            "your organization's approval of its text. Read it and approve it here:\n\n"
            "{link}\n",
        ),
        "be": (
            "Зварот чакае адабрэння вашай арганізацыі",
            "Вітаем, {name}!\n\nЗварот, сааўтарам якога з'яўляецца ваша арганізацыя, "
            "знаходзіцца на разглядзе і мае патрэбу ў адабрэнні тэксту вашай арганізацыяй. "
            "Прачытайце і адабрыце яго тут:\n\n{link}\n",
        ),
        "ru": (
            "Обращение ждёт одобрения вашей организации",
            "Здравствуйте, {name}!\n\nОбращение, соавтором которого является ваша "
            "организация, находится на рассмотрении и требует одобрения текста вашей "
            "организацией. Прочитайте и одобрите его здесь:\n\n{link}\n",
        ),
    },
    # To public signers: the appeal's title only (they chose to sign it), never a name.
    "appeal_update": {
        "en": (
            "A response to the appeal you signed",
            'Hello,\n\nA response from {recipient} to the appeal "{title}" has been published. '
            "Read it on the appeal's tracker:\n\n{tracker_url}\n\nYou receive this because "
            "you asked for updates when you signed. To stop them, open this link and confirm:"
            "\n\n{unsubscribe_url}\n",
        ),
        "be": (
            "Адказ на зварот, які вы падпісалі",
            "Вітаем!\n\nАпублікаваны адказ ад {recipient} на зварот «{title}». Прачытайце "
            "яго на старонцы звароту:\n\n{tracker_url}\n\nВы атрымліваеце гэты ліст, бо "
            "папрасілі паведамляць навіны, калі падпісвалі. Каб адмовіцца, адкрыйце гэтую "
            "спасылку і пацвердзіце:\n\n{unsubscribe_url}\n",
        ),
        "ru": (
            "Ответ на обращение, которое вы подписали",
            "Здравствуйте!\n\nОпубликован ответ от {recipient} на обращение «{title}». "
            "Прочитайте его на странице обращения:\n\n{tracker_url}\n\nВы получаете это "
            "письмо, потому что при подписании попросили сообщать новости. Чтобы отказаться, "
            "откройте эту ссылку и подтвердите:\n\n{unsubscribe_url}\n",
        ),
    },
    "signing_code": {
        "en": (
            "Your code to confirm your signature",
            'Hello,\n\nSomeone (we hope you) signed the appeal "{title}" with this address. '
            "To confirm the signature, type this code on the signing page:\n\n{code}\n\n"
            "It works until {expires} UTC. If you did not sign, ignore this message: nothing "
            "is counted without the code.\n",
        ),
        "be": (
            "Ваш код для пацверджання подпісу",
            "Вітаем!\n\nХтосьці (спадзяемся, вы) падпісаў зварот «{title}» з гэтым адрасам. "
            "Каб пацвердзіць подпіс, увядзіце гэты код на старонцы подпісу:\n\n{code}\n\n"
            "Ён дзейнічае да {expires} UTC. Калі вы не падпісвалі, не звяртайце ўвагі на гэты "
            "ліст: без кода нічога не залічваецца.\n",
        ),
        "ru": (
            "Ваш код для подтверждения подписи",
            "Здравствуйте!\n\nКто-то (надеемся, вы) подписал обращение «{title}» с этим "
            "адресом. Чтобы подтвердить подпись, введите этот код на странице подписи:"
            "\n\n{code}\n\nОн действует до {expires} UTC. Если вы не подписывали, не "
            "обращайте внимания на это письмо: без кода ничего не засчитывается.\n",
        ),
    },
    "signing_already": {
        "en": (
            "You have already signed this appeal",
            'Hello,\n\nSomeone (we hope you) tried to sign the appeal "{title}" again with '
            "this address. It already carries your signature, which still counts; nothing "
            "changed. Your receipt code shows its state on the signing page.\n",
        ),
        "be": (
            "Вы ўжо падпісалі гэты зварот",
            "Вітаем!\n\nХтосьці (спадзяемся, вы) зноў спрабаваў падпісаць зварот «{title}» з "
            "гэтым адрасам. Ваш подпіс пад ім ужо ёсць і залічаны; нічога не змянілася. Код "
            "квітанцыі паказвае яго стан на старонцы подпісу.\n",
        ),
        "ru": (
            "Вы уже подписали это обращение",
            "Здравствуйте!\n\nКто-то (надеемся, вы) снова пытался подписать обращение "
            "«{title}» с этим адресом. Ваша подпись под ним уже есть и засчитана; ничего не "
            "изменилось. Код квитанции показывает её состояние на странице подписи.\n",
        ),
    },
    "signing_withdraw_code": {
        "en": (
            "Your code to withdraw your signature",
            "Hello,\n\nSomeone (we hope you) asked to withdraw your signature from the appeal "
            '"{title}". To withdraw it, type this code on the signing page:\n\n{code}\n\n'
            "It works until {expires} UTC. If you did not ask, ignore this message: your "
            "signature stays.\n",
        ),
        "be": (
            "Ваш код, каб адклікаць подпіс",
            "Вітаем!\n\nХтосьці (спадзяемся, вы) папрасіў адклікаць ваш подпіс пад зваротам "
            "«{title}». Каб адклікаць яго, увядзіце гэты код на старонцы подпісу:\n\n{code}"
            "\n\nЁн дзейнічае да {expires} UTC. Калі вы не прасілі, не звяртайце ўвагі на "
            "гэты ліст: подпіс застаецца.\n",
        ),
        "ru": (
            "Ваш код, чтобы отозвать подпись",
            "Здравствуйте!\n\nКто-то (надеемся, вы) попросил отозвать вашу подпись под "
            "обращением «{title}». Чтобы отозвать её, введите этот код на странице подписи:"
            "\n\n{code}\n\nОн действует до {expires} UTC. Если вы не просили, не "
            "обращайте внимания на это письмо: подпись остаётся.\n",
        ),
    },
    "signing_reconsent_code": {
        "en": (
            "Your code to sign the new text",
            "Hello,\n\nSomeone (we hope you) asked to sign the new text of the appeal "
            '"{title}" with your earlier signature. To sign it, type this code on the '
            "signing page:\n\n{code}\n\nIt works until {expires} UTC. If you did not ask, "
            "ignore this message: nothing changes.\n",
        ),
        "be": (
            "Ваш код, каб падпісаць новы тэкст",
            "Вітаем!\n\nХтосьці (спадзяемся, вы) папрасіў падпісаць новы тэкст звароту "
            "«{title}» вашым ранейшым подпісам. Каб падпісаць, увядзіце гэты код на старонцы "
            "подпісу:\n\n{code}\n\nЁн дзейнічае да {expires} UTC. Калі вы не прасілі, не "
            "звяртайце ўвагі на гэты ліст: нічога не зменіцца.\n",
        ),
        "ru": (
            "Ваш код, чтобы подписать новый текст",
            "Здравствуйте!\n\nКто-то (надеемся, вы) попросил подписать новый текст обращения "
            "«{title}» вашей прежней подписью. Чтобы подписать, введите этот код на странице "
            "подписи:\n\n{code}\n\nОн действует до {expires} UTC. Если вы не просили, не "
            "обращайте внимания на это письмо: ничего не изменится.\n",
        ),
    },
    "signing_milestone": {
        "en": (
            "An appeal passed a milestone of signatures",
            "Hello {name},\n\nAn appeal your organization writes now has {count} signatures. "
            "See it here:\n\n{link}\n",
        ),
        "be": (
            "Зварот сабраў чарговую колькасць подпісаў",
            "Вітаем, {name}!\n\nЗварот, які піша ваша арганізацыя, сабраў ужо {count} "
            "подпісаў. Паглядзіце тут:\n\n{link}\n",
        ),
        "ru": (
            "Обращение собрало очередное число подписей",
            "Здравствуйте, {name}!\n\nОбращение, которое пишет ваша организация, собрало "
            "уже {count} подписей. Посмотрите здесь:\n\n{link}\n",
        ),
    },
    "appeal_approvals_reset": {
        "en": (
            "An appeal's text changed: approval needed again",
            "Hello {name},\n\nThe text of an appeal your organization co-authors changed "
            "while it was in review, so earlier approvals no longer count. Read the new text "
            "and approve it again here:\n\n{link}\n",
        ),
        "be": (
            "Тэкст звароту змяніўся: патрэбна новае адабрэнне",
            "Вітаем, {name}!\n\nТэкст звароту, сааўтарам якога з'яўляецца ваша "
            "арганізацыя, змяніўся падчас разгляду, таму ранейшыя адабрэнні больш не "
            "дзейнічаюць. Прачытайце новы тэкст і адабрыце яго зноў тут:\n\n{link}\n",
        ),
        "ru": (
            "Текст обращения изменился: нужно новое одобрение",
            "Здравствуйте, {name}!\n\nТекст обращения, соавтором которого является ваша "
            "организация, изменился во время рассмотрения, поэтому прежние одобрения больше "
            "не действуют. Прочитайте новый текст и одобрите его снова здесь:\n\n{link}\n",
        ),
    },
    "appeal_co_author_invited": {
        "en": (
            "Your organization is invited to co-author an appeal",
            "Hello {name},\n\nYour organization has been invited to co-author an appeal. "
            "As its representative you can read it and accept or decline here:\n\n{link}\n",
        ),
        "be": (
            "Вашу арганізацыю запрасілі стаць сааўтарам звароту",
            "Вітаем, {name}!\n\nВашу арганізацыю запрасілі стаць сааўтарам звароту. Як "
            "яе прадстаўнік вы можаце прачытаць яго і прыняць або адхіліць запрашэнне "
            "тут:\n\n{link}\n",
        ),
        "ru": (
            "Вашу организацию пригласили стать соавтором обращения",
            "Здравствуйте, {name}!\n\nВашу организацию пригласили стать соавтором "
            "обращения. Как её представитель вы можете прочитать его и принять или "
            "отклонить приглашение здесь:\n\n{link}\n",
        ),
    },
    "appeal_suggestion_decided": {
        "en": (
            "Your suggestion was decided",
            "Hello {name},\n\nA suggestion you made on an appeal was accepted or rejected. "
            "See the decision here:\n\n{link}\n",
        ),
        "be": (
            "Па вашай прапанове прынята рашэнне",
            "Вітаем, {name}!\n\nВашу прапанову да звароту прынялі або адхілілі. "
            "Рашэнне можна паглядзець тут:\n\n{link}\n",
        ),
        "ru": (
            "По вашему предложению принято решение",
            "Здравствуйте, {name}!\n\nВаше предложение к обращению приняли или отклонили. "
            "Решение можно посмотреть здесь:\n\n{link}\n",
        ),
    },
    "appeal_mention": {
        "en": (
            "You were mentioned in a comment",
            "Hello {name},\n\nSomeone mentioned you in a comment on an appeal. Read it "
            "here:\n\n{link}\n",
        ),
        "be": (
            "Вас згадалі ў каментарыі",
            "Вітаем, {name}!\n\nВас згадалі ў каментарыі да звароту. Прачытаць яго можна "
            "тут:\n\n{link}\n",
        ),
        "ru": (
            "Вас упомянули в комментарии",
            "Здравствуйте, {name}!\n\nВас упомянули в комментарии к обращению. Прочитать "
            "его можно здесь:\n\n{link}\n",
        ),
    },
}


# What changed, for "credential_changed": a code from the services, a phrase per language.
CHANGES: dict[str, dict[str, str]] = {
    "totp_enabled": {
        "en": "an authenticator app (TOTP) was set up and new recovery codes were created",
        "be": "падключана праграма-аўтэнтыфікатар (TOTP) і створаны новыя коды аднаўлення",
        "ru": "подключено приложение-аутентификатор (TOTP) и созданы новые коды восстановления",
    },
    "totp_removed": {
        "en": "the authenticator app (TOTP) was removed",
        "be": "праграма-аўтэнтыфікатар (TOTP) адключана",
        "ru": "приложение-аутентификатор (TOTP) отключено",
    },
    "recovery_code_used": {
        "en": "a recovery code was used ({remaining} left)",
        "be": "выкарыстаны код аднаўлення (засталося {remaining})",
        "ru": "использован код восстановления (осталось {remaining})",
    },
    "recovery_codes_regenerated": {
        "en": "new recovery codes were created; the old ones no longer work",
        "be": "створаны новыя коды аднаўлення; старыя больш не дзейнічаюць",
        "ru": "созданы новые коды восстановления; старые больше не действуют",
    },
    "password_changed": {
        "en": "the password was changed",
        "be": "пароль зменены",
        "ru": "пароль изменён",
    },
    "email_change_requested": {
        "en": "a change of the email address was asked for; it takes effect only once "
        "confirmed with a code sent to the new address",
        "be": "запытана змена адраса электроннай пошты; яна набудзе моц толькі пасля "
        "пацвярджэння кодам, адпраўленым на новы адрас",
        "ru": "запрошено изменение адреса электронной почты; оно вступит в силу только после "
        "подтверждения кодом, отправленным на новый адрес",
    },
    "email_changed": {
        "en": "the email address was changed",
        "be": "адрас электроннай пошты зменены",
        "ru": "адрес электронной почты изменён",
    },
    "passkey_added": {
        "en": "a passkey was added",
        "be": "дададзены ключ доступу",
        "ru": "добавлен ключ доступа",
    },
    "passkey_removed": {
        "en": "a passkey was removed",
        "be": "ключ доступу выдалены",
        "ru": "ключ доступа удалён",
    },
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def render(kind: str, language: str, **values: str) -> RenderedEmail:
    if "change" in values:
        phrases = CHANGES[values["change"]]
        values = {**values, "change": (phrases.get(language) or phrases["en"]).format(**values)}
    variants = TEMPLATES[kind]
    subject, body = variants.get(language) or variants["en"]
    return RenderedEmail(subject.format(**values), body.format(**values))
