"""Delivering a queued message, at most once.

The message is marked ``sending`` and committed before it is handed to the provider. A worker that dies while
sending leaves it ``sending``; whoever takes the job again finds it so and marks it ``uncertain`` rather than send
it a second time (a party must never get two different codes, or the ruling twice, because a server crashed): the
court sees it and decides. A refusal for good (a bad number) is ``failed``; anything else is retried by the worker
with backoff. Codes are never logged; after a code is sent its text is not kept outside development mode.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from confirm.core.clock import china_time, utcnow
from confirm.core.crash_points import crash_point
from confirm.core.events import RetryLater, finish_job, jobs_changed, queue_job
from confirm.core.messaging import DeliveryError, OutgoingMessage, mask_address
from confirm.core.runtime import Runtime
from confirm.models import IssuanceJob, JobKind, JobTarget, Message, MessageState, job_kind, pk

log = logging.getLogger("jiudi.messages")
SECRET_KINDS = ("party.code",)  # messages whose text must not outlive their sending
REDACTED = "（验证码已发送；内容不予留存）"


REPORT_FIRST_CHECK_SECONDS = 5.0  # operators usually report within seconds
REPORT_CHECKS = 8  # then 10 s, 20 s … up to about half an hour in all: later the arrival stays unknown


class DeliveryReportCheck:
    """The worker's handler of report jobs (``report:<message id>``): asks the SMS provider whether the message
    reached the phone, and when (the service date of an electronic service, CPL 90 ¶2, when the provider says)."""

    def run(self, runtime: Runtime, target: JobTarget, job_id: int | None) -> bool:
        with runtime.unit_of_work() as session:
            message = session.get(Message, target.ref)
            job = session.get(IssuanceJob, job_id) if job_id is not None else None
            channel = runtime.channels.get(message.channel) if message is not None else None
            if (message is None or message.delivery_state != "pending" or not message.provider_id
                    or message.sent_at is None or not hasattr(channel, "delivery_report")):
                finish_job(session, job_id)
                return False
            provider_id, to, sent_on = message.provider_id, message.to_address, china_time(message.sent_at).date()
            attempts = job.attempts if job is not None else 0
        report = channel.delivery_report(provider_id, to, sent_on)  # type: ignore[union-attr]
        if report.state == "pending" and attempts + 1 < REPORT_CHECKS:
            raise RetryLater("the operator has not reported yet", REPORT_FIRST_CHECK_SECONDS * 2 ** (attempts + 1))
        with runtime.unit_of_work() as session:
            row = session.get(Message, target.ref)
            assert row is not None
            row.delivery_state = "unknown" if report.state == "pending" else report.state
            row.delivered_at = report.at if report.state == "delivered" else None
            if report.state == "failed":
                row.last_error = f"运营商回执：未送达（{report.detail}）"
            finish_job(session, job_id)
        return report.state == "delivered"


class MessageDelivery:
    """The worker's handler of message jobs (``message:<id>``)."""

    def run(self, runtime: Runtime, target: JobTarget, job_id: int | None) -> bool:
        with runtime.unit_of_work() as session:
            message = session.exec(select(Message).where(Message.id == target.ref).with_for_update()).first()
            if message is None or message.state not in (MessageState.QUEUED, MessageState.SENDING):
                finish_job(session, job_id)
                return False
            if message.state == MessageState.SENDING:  # a worker died handing it over: never send it twice
                message.state = MessageState.UNCERTAIN
                message.last_error = "发送过程中服务中断，无法确定是否已送达；未自动重发"
                log.error("ALERT message %s (%s to %s) may or may not have been sent; not sent again", message.id,
                          message.kind, mask_address(message.to_address))
                finish_job(session, job_id)
                return False
            channel = runtime.channels.get(message.channel)
            if channel is None:
                if runtime.settings.dev_mode:  # the development outbox: kept, not sent
                    message.state, message.outbox, message.sent_at = MessageState.SENT, True, utcnow()
                else:
                    message.state = MessageState.FAILED
                    message.last_error = f"未配置{'短信' if message.channel == 'sms' else '电子邮件'}发送通道"
                finish_job(session, job_id)
                return message.state == MessageState.SENT
            message.state, message.attempts = MessageState.SENDING, message.attempts + 1
            jobs_changed(session)
            outgoing = OutgoingMessage(message_id=f"jiudi-{message.id}", kind=message.kind,
                                       channel="sms" if message.channel == "sms" else "email", to=message.to_address,
                                       subject=message.subject, text=message.text, params=dict(message.params))
        crash_point("during_message_send")
        try:
            delivery = channel.send(outgoing)
        except DeliveryError as exc:
            with runtime.unit_of_work() as session:
                row = session.get(Message, target.ref)
                if row is not None:
                    row.state = MessageState.FAILED if exc.permanent else MessageState.QUEUED
                    row.last_error = str(exc)[:2000]
                    jobs_changed(session)
                if exc.permanent:
                    finish_job(session, job_id)
            if exc.permanent:
                log.error("ALERT message %s (%s to %s) refused: %s", target.ref, outgoing.kind,
                          mask_address(outgoing.to), exc)
                return False
            raise  # the worker retries the job with backoff; the message is queued again
        with runtime.unit_of_work() as session:
            row = session.get(Message, target.ref)
            assert row is not None
            row.state, row.provider_id, row.sent_at = MessageState.SENT, delivery.provider_id, utcnow()
            if row.kind in SECRET_KINDS and not runtime.settings.dev_mode:
                row.text, row.params = REDACTED, {}
            if delivery.provider_id and hasattr(channel, "delivery_report"):  # ask the operator later whether it arrived
                row.delivery_state = "pending"
                queue_job(session, row.application_id, job_kind(JobKind.REPORT, pk(row)),
                          not_before=utcnow() + timedelta(seconds=REPORT_FIRST_CHECK_SECONDS))
            finish_job(session, job_id)
        log.info("message %s sent: %s to %s", target.ref, outgoing.kind, mask_address(outgoing.to))
        return True
