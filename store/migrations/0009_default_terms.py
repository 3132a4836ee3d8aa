"""The admin's default terms, in Korean, as unpublished drafts: the shop completes them
(its name, retention periods, recipients) and publishes them."""

from django.db import migrations

DEFAULTS = [
    (
        "tos",
        "이용약관 동의",
        True,
        "제1조(목적) 이 약관은 [상점 이름](이하 \"회사\")이 운영하는 온라인 상점에서 제공하는 "
        "서비스의 이용 조건과 절차, 회사와 회원의 권리·의무를 정합니다.\n\n"
        "제2조(회원가입) 이용자는 이 약관과 개인정보 수집·이용에 동의하고 가입 양식을 작성하여 "
        "회원가입을 신청합니다.\n\n"
        "[회사가 실제 약관 내용을 채워 넣은 뒤 게시하세요.]",
    ),
    (
        "privacy",
        "개인정보 수집·이용 동의",
        True,
        "1. 수집·이용 목적: 회원 식별과 가입 관리, 주문·배송·결제, 고객 상담\n"
        "2. 수집 항목: 이름, 이메일 주소, 아이디, 비밀번호, 휴대전화 번호, 배송지 주소\n"
        "3. 보유·이용 기간: 회원 탈퇴 시까지 (관계 법령이 보존을 정한 정보는 그 기간까지)\n"
        "4. 동의를 거부할 권리: 동의를 거부할 수 있으나, 거부하면 회원가입을 할 수 없습니다.",
    ),
    (
        "third_party",
        "개인정보 제3자 제공 동의",
        False,
        "1. 제공받는 자: [제공받는 자]\n2. 제공 목적: [목적]\n3. 제공 항목: [항목]\n"
        "4. 보유·이용 기간: [기간]\n"
        "5. 동의를 거부할 권리: 동의를 거부할 수 있으며, 거부해도 회원가입과 서비스 이용에는 "
        "제한이 없습니다.",
    ),
    (
        "marketing_email",
        "광고성 정보 수신 동의 (이메일)",
        False,
        "할인, 이벤트, 신상품 소식 등 광고성 정보를 이메일로 받습니다. 동의하지 않아도 회원가입과 "
        "서비스 이용에는 제한이 없으며, 언제든지 '내 동의 관리'에서 철회할 수 있습니다.",
    ),
    (
        "marketing_sms",
        "광고성 정보 수신 동의 (문자 메시지)",
        False,
        "할인, 이벤트, 신상품 소식 등 광고성 정보를 문자 메시지로 받습니다. 동의하지 않아도 "
        "회원가입과 서비스 이용에는 제한이 없으며, 언제든지 철회할 수 있습니다.",
    ),
    (
        "marketing_push",
        "광고성 정보 수신 동의 (앱 푸시)",
        False,
        "할인, 이벤트, 신상품 소식 등 광고성 정보를 앱 푸시 알림으로 받습니다. 동의하지 않아도 "
        "회원가입과 서비스 이용에는 제한이 없으며, 언제든지 철회할 수 있습니다.",
    ),
    (
        "marketing_night",
        "야간(오후 9시~다음 날 오전 8시) 광고성 정보 수신 동의",
        False,
        "오후 9시부터 다음 날 오전 8시 사이에도 광고성 정보를 받습니다. 동의하지 않아도 낮 시간의 "
        "광고성 정보 수신과 서비스 이용에는 영향이 없습니다.",
    ),
]


def create_defaults(apps, schema_editor):
    Term = apps.get_model("store", "Term")
    TermVersion = apps.get_model("store", "TermVersion")
    if Term.objects.exists():
        return
    for position, (kind, title, mandatory, text) in enumerate(DEFAULTS):
        term = Term.objects.create(
            kind=kind,
            title=title,
            text=text,
            mandatory=mandatory,
            published=False,
            position=position,
            version=1,
        )
        TermVersion.objects.create(
            term=term, version=1, title=title, text=text, mandatory=mandatory
        )


class Migration(migrations.Migration):
    dependencies = [("store", "0008_consents")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
