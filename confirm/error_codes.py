"""Every error code the API answers with: stable machine codes, their HTTP status and what they mean.

Published in the OpenAPI schema (``components.schemas.Error``, ``x-error-codes``); a test keeps this table and
the code in step. Codes ending in ``.*`` are families (``application.inadmissible.identity_relation`` …).
"""

from __future__ import annotations

ERROR_CODES: dict[str, tuple[int, str]] = {
    # authentication and requests
    "auth.required": (401, "未登录：缺少 Bearer 令牌"),
    "auth.invalid_credentials": (401, "用户名或密码不正确"),
    "auth.invalid_token": (401, "令牌无效、过期或账号已停用"),
    "auth.forbidden": (403, "角色无权进行该操作"),
    "not_found": (404, "不存在，或调用者无权查看（两者同样答复）"),
    "request.invalid": (422, "请求结构不符合接口定义（缺项、类型或取值错误），fields 逐项说明"),
    "request.*": (422, "request.invalid 的 details 中逐项给出的结构错误类型"),
    "request.bad_idempotency_key": (400, "Idempotency-Key 长度应为1到255"),
    "request.idempotency_conflict": (409, "同一幂等键用于了不同的请求内容"),
    "request.method_not_allowed": (405, "不支持该请求方法"),
    "request.rate_limited": (429, "请求过于频繁"),
    "request.too_large": (413, "请求内容过大"),
    "request.unknown_status": (422, "状态值不正确"),
    "internal.error": (500, "系统内部错误"),
    # intake (就地申请)
    "application.unknown_court": (422, "法院代字不存在"),
    "application.court_not_competent": (422, "调解组织只能向所属辖区法院申请"),
    "application.deadline_passed": (422, "超过调解协议生效后30日的申请期限（民诉法205条）"),
    "application.future_date": (422, "调解协议生效日期晚于今天"),
    "application.dispute_type_required": (422, "缺少纠纷类型（案由）"),
    "application.inadmissible.*": (422, "案由依法不能申请司法确认（民诉法解释355条，后缀为理由代码）"),
    "application.parties_too_few": (422, "申请人少于两人"),
    "application.duplicate_party": (422, "同一当事人重复出现"),
    "application.missing_document.*": (422, "缺少必需材料（后缀为材料类型）"),
    "party.name_required": (422, "缺少当事人姓名或名称"),
    "party.id_number_required": (422, "缺少公民身份号码"),
    "party.id_number_format": (422, "公民身份号码格式错误"),
    "party.id_number_checksum": (422, "公民身份号码校验位错误"),
    "party.id_number_birth_date": (422, "公民身份号码中的出生日期不存在或不合理"),
    "party.credit_code_required": (422, "缺少统一社会信用代码"),
    "party.credit_code_format": (422, "统一社会信用代码格式错误"),
    "party.credit_code_checksum": (422, "统一社会信用代码校验位错误"),
    "party.representative_required": (422, "缺少法定代表人或负责人"),
    "party.phone_required": (422, "缺少联系电话"),
    "party.phone_format": (422, "手机号码格式错误"),
    "party.address_required": (422, "缺少住所地址"),
    "mediation.place_required": (422, "缺少调解地点"),
    "mediation.mediator_required": (422, "缺少调解员姓名"),
    "agreement.text_required": (422, "缺少调解协议内容"),
    "agreement.amount_format": (422, "金额格式错误"),
    "document.too_large": (413, "文件超过20MB"),
    "document.empty": (400, "文件为空"),
    "document.unsupported_type": (415, "文件不是 PDF、JPEG 或 PNG（按文件内容判断）"),
    "document.unknown_kind": (422, "材料类型不正确"),
    # the workflow
    "application.invalid_state": (409, "当前状态不允许该操作"),
    "application.already_claimed": (409, "已由其他法官领取"),
    "application.not_claimant": (409, "只有领取该申请的法官才能操作"),
    "application.already_decided": (409, "已作出裁定"),
    "application.already_accepted": (409, "法院已立案，撤回须由法官裁定"),
    "application.return_reason_required": (422, "退回补正须写明原因"),
    "decision.grounds_required": (422, "驳回或不予受理须选择理由"),
    "decision.ground_not_allowed": (422, "理由不适用于所选裁定结果"),
    "decision.duplicate_ground": (422, "理由重复"),
    "decision.reasoning_required": (422, "“其他情形”须写明理由"),
    "decision.verification_required": (422, "确认有效须记录双方共同到场（在线）核实"),
    "decision.verification_time_zone": (422, "核实时间须带时区"),
    "decision.verification_in_future": (422, "核实时间晚于现在"),
    "decision.verification_before_application": (422, "核实时间早于申请"),
    "decision.no_clerk": (422, "法院没有可署名的书记员"),
    "ruling.not_issued": (409, "裁定书尚未出具"),
    "ruling.revoke_reason_required": (422, "撤销须写明理由"),
    "ruling.already_revoked": (409, "裁定已被撤销"),
    # service (送达)
    "service.time_zone": (422, "送达时间须带时区"),
    "service.in_future": (422, "送达时间晚于现在"),
    "service.before_issue": (422, "送达时间早于裁定书出具"),
    "service.place_required": (422, "缺少送达地点"),
    "service.unknown_party": (422, "受送达人不是本案申请人"),
    "service.already_served": (409, "该申请人已登记送达"),
    "service.signature_not_base64": (422, "签名图片数据无法识别"),
    "service.signature_not_png": (415, "签名图片不是 PNG"),
    "service.signature_too_large": (413, "签名图片超过2MB"),
    "service.not_complete": (409, "尚未向全部申请人送达"),
    "service.receipt_pending": (409, "送达回证正在盖章生成"),
    "service.address_required": (422, "电子送达缺少受送达人确认的电子送达地址"),
    "service.address_format": (422, "电子送达地址不是手机号码或电子邮箱"),
    "service.channel_mismatch": (422, "送达渠道与电子送达地址不符"),
    "service.sent_after_arrival": (422, "电子送达的发送时间晚于到达时间"),
    "service.not_electronic": (422, "直接送达填写了电子送达地址、渠道或发送时间"),
    "service.signature_in_person_only": (422, "电子送达附了当场签名"),
    "service.voucher_not_found": (404, "该受送达人不是电子送达，没有电子送达凭证"),
    "service.voucher_pending": (409, "电子送达凭证正在盖章生成"),
    # verification (一书一码)
    "verify.not_found": (404, "核验令牌或核验码不存在"),
    "verify.too_large": (413, "上传文件超过20MB"),
    "verify.*": (200, "POST /api/v1/verify 的 problems[].code：文件为何不能确认为真实（见 verify/problems.py）"),
    # development timestamp authority and administration
    "tsa.request_too_large": (413, "时间戳请求过大"),
    "court.code_format": (422, "法院代字格式错误"),
    "court.name_format": (422, "法院名称格式错误"),
    "court.exists": (409, "法院已存在"),
    "court.not_found": (404, "法院不存在"),
    "org.kind": (422, "调解组织类型错误"),
    "org.name_required": (422, "缺少调解组织名称"),
    "org.exists": (409, "调解组织已存在"),
    "org.not_found": (404, "调解组织不存在"),
    "user.username_format": (422, "用户名格式错误"),
    "user.role": (422, "角色错误"),
    "user.password_weak": (422, "密码太短"),
    "user.org_required": (422, "调解员须指定调解组织"),
    "user.exists": (409, "用户名已存在"),
    "user.not_found": (404, "用户不存在"),
    "user.disable_self": (409, "不能停用自己的账号"),
    # the staff pages' form checks (shown next to the field)
    "page.file_required": (422, "请选择要上传的文件"),
    "page.recipient_required": (422, "请至少选择一名受送达人"),
    "page.signature_unreadable": (422, "签名无法识别，请重新签名"),
    "page.time_format": (422, "时间格式不正确"),
    # the command line only (exit codes, not HTTP statuses, but the same stable codes on stderr)
    "backup.not_empty": (400, "jiudi backup：目标目录不是空目录"),
    "backup.sqlite_path": (400, "jiudi backup：SQLite 数据库路径无效"),
    "restore.kind": (400, "jiudi restore：备份与当前数据库类型不一致"),
    "cli.password_stdin": (400, "jiudi user add：须用 --password-stdin 提供密码"),
    "config.signer_unsupported": (500, "JIUDI_SIGNER 的取值不受支持"),
}


def is_documented(code: str) -> bool:
    """Whether ``code`` is in the table, itself or as a member of a ``.*`` family."""
    if code in ERROR_CODES:
        return True
    parts = code.split(".")
    return any(".".join(parts[:i]) + ".*" in ERROR_CODES for i in range(1, len(parts)))
