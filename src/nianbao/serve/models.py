"""What the portal keeps: units, their private links, every uploaded version, reviews, audit.

The bytes of an upload live in the blob store (blobs.py), named by their
SHA-256; a Submission points at them and keeps the Report the library read
(JSON) and the findings it gave, so the status page and the 汇总 never re-read
a workbook.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .states import Status


class Portal(models.Model):
    """The one row of portal-wide settings (id = 1)."""

    year = models.IntegerField("报告年度", null=True)
    title = models.CharField("名称", max_length=100, blank=True, default="")  # e.g. 巫溪县

    class Meta:
        verbose_name = verbose_name_plural = "门户设置"


class Unit(models.Model):
    name = models.CharField("单位名称", max_length=200, unique=True)
    level = models.CharField("机关层级", max_length=40, blank=True, default="")
    code = models.CharField("代码", max_length=100, blank=True, default="")
    order = models.IntegerField("名单顺序", default=0)
    retired = models.BooleanField("已停用", default=False)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class Link(models.Model):
    """A unit's private upload link: only the SHA-256 of its token is stored."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="links", verbose_name="单位")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报送链接"


class Submission(models.Model):
    """One uploaded version of a unit's report for a year (every version is kept)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name="单位")
    year = models.IntegerField("年度")
    version = models.IntegerField("版本")
    blob = models.CharField("SHA-256", max_length=64)
    file_name = models.CharField("文件名", max_length=255)  # as the clerk's computer named it: data, never a path
    size = models.IntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_from = models.CharField("来源地址", max_length=64, blank=True, default="")
    report = models.TextField()  # the library's Report JSON
    findings = models.TextField()  # JSON list of Finding dicts, acknowledgements applied
    errors = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    infos = models.IntegerField(default=0)
    state = models.CharField("状态", max_length=16, choices=[(s.value, s.value) for s in Status])

    class Meta:
        ordering = ["unit", "year", "version"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "version"], name="one_version_number")]
        indexes = [models.Index(fields=["year", "unit", "version"])]
        verbose_name = verbose_name_plural = "报送版本"

    @property
    def status(self) -> Status:
        return Status(self.state)


class Review(models.Model):
    """What happened to a version after checking: 提交 (by the clerk), 退回 and 确认 (by the county)."""

    SUBMIT, RETURN, CONFIRM = "提交", "退回", "确认"
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField("操作", max_length=8, choices=[(a, a) for a in (SUBMIT, RETURN, CONFIRM)])
    comment = models.TextField("意见", blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "审核记录"


class Acknowledgement(models.Model):
    """A warning the clerk marked 已核实 in the page, with the reason (errors cannot be)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="acknowledgements")
    key = models.CharField(max_length=500)  # Finding.key
    reason = models.TextField("核实说明")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "key"], name="one_reason_per_finding")]
        verbose_name = verbose_name_plural = "核实说明"


class AuditEvent(models.Model):
    """Who did what, when, from where."""

    at = models.DateTimeField("时间", auto_now_add=True)
    who = models.CharField("操作人", max_length=250)
    action = models.CharField("操作", max_length=40)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.TextField("详情", blank=True, default="")
    ip = models.CharField("地址", max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "操作日志"
