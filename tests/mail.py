"""A mail backend for tests whose server refuses some mailboxes, the way an SMTP server answers
550 for an address that does not exist. Everything else lands in django.core.mail.outbox."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

REFUSED_ADDRESSES: set[str] = set()


class RefusingSomeBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = {
                address: (550, b"mailbox unavailable")
                for address in message.recipients()
                if address in REFUSED_ADDRESSES
            }
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)
