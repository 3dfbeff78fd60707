"""Survey pages and their responses; owners' votes, their unit register and ballots."""

import functools
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal.surveys.blocks import SURVEY_BLOCKS
from portal.surveys.questions import questions_check, survey_questions


@functools.lru_cache(maxsize=128)
def _questions_parsed(raw: str) -> tuple:
    stream = SurveyPage._meta.get_field("questions").to_python(raw)
    return tuple(survey_questions(stream))


class SurveyIndexPage(Page):
    """The parent of the survey pages (slug ``surveys``); ``/surveys/`` itself is the listing
    view, which shows each reader what they may answer now."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["surveys.SurveyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("survey index page")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone, visitors included")
    MEMBERS = "members", _("All members")
    LEVELS = "levels", _("Members of the chosen levels")
    OWNERS = "owners", _("Verified owners of the chosen projects")
    CASE_AUTHORS = "case_authors", _("Members whose complaint or suggestion was resolved")
    ATTENDEES = "attendees", _("Members checked in at the chosen activity")


class SurveyPage(Page):
    """A questionnaire: 市研, satisfaction, 回访. Answers are stored per question code."""

    intro = RichTextField(_("introduction"), blank=True)
    questions = StreamField(SURVEY_BLOCKS, verbose_name=_("questions"), blank=True)
    thank_you = models.CharField(_("thank-you message"), max_length=300, blank=True, default="")
    audience = models.CharField(
        _("who may answer"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    levels = ParentalManyToManyField(
        "portal.MemberLevel", verbose_name=_("levels"), blank=True, related_name="+"
    )
    projects = ParentalManyToManyField(
        "portal.HousingProject", verbose_name=_("housing projects"), blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        "activities.ActivityPage",
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_surveys",
        help_text=_("For the audience “checked in at the chosen activity”: its 回访 survey."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Respondents are kept out of every screen and export; results of groups smaller "
            "than 5 are not shown. Cannot be turned off once answers exist."
        ),
    )

    feeds_profile = models.BooleanField(
        _("purchase intention: offer to copy the answers to the member's profile"),
        default=False,
        help_text=_(
            "Questions coded purchase_area, purchase_budget and purchase_type update the "
            "member's profile when they tick the consent box. Not for anonymous surveys."
        ),
    )

    segment_use = models.BooleanField(
        _("member segments: offer to use the answers for campaign segments"),
        default=False,
        help_text=_(
            "Respondents see a consent box; staff may then select members by their answers to "
            "this survey's choice questions, counting only those who ticked it. Not for "
            "anonymous surveys."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("questions"),
        FieldPanel("thank_you"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("levels"),
                FieldPanel("projects"),
                FieldPanel("activity"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("anonymous"),
                FieldPanel("feeds_profile"),
                FieldPanel("segment_use"),
            ],
            heading=_("Audience, dates and anonymity"),
        )
    ]
    parent_page_types = ["surveys.SurveyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The survey must close after it opens.")
        problems = questions_check(survey_questions(self.questions))
        if problems:
            errors["questions"] = "; ".join(
                _("question %(n)d: %(problem)s") % {"n": n, "problem": p}
                for n, p in sorted(problems.items())
            )
        if self.audience == Audience.ATTENDEES and not self.activity_id:
            errors["activity"] = _("Choose the activity whose attendees may answer.")
        if self.anonymous and self.feeds_profile:
            errors["feeds_profile"] = _("An anonymous survey cannot copy answers to profiles.")
        if self.anonymous and self.segment_use:
            errors["segment_use"] = _(
                "An anonymous survey cannot be used for member segments: its answers name no one."
            )
        if self.pk and not self.anonymous:
            was_anonymous = SurveyPage.objects.filter(pk=self.pk, anonymous=True).exists()
            if was_anonymous and SurveyResponse.objects.filter(survey_id=self.pk).exists():
                errors["anonymous"] = _("This survey was answered anonymously; it stays so.")
        if errors:
            raise ValidationError(errors)

    @property
    def question_list(self):
        """The questions as plain objects, parsed once per content of the question stream in
        this process (5 ms of block conversion for 20 questions, on every view and submission
        before): the key is the stream's stored JSON, so a new revision, a preview or an
        unsaved edit is a new key and nothing stale is ever served."""
        return list(_questions_parsed(self.questions_raw))

    @property
    def questions_raw(self) -> str:
        """The question stream's content as canonical JSON: the key of what is kept per content
        (the parsed questions here, the rendered question list in ``portal.surveys.rendering``)."""
        return json.dumps(list(self.questions.raw_data), sort_keys=True, cls=DjangoJSONEncoder)

    def get_context(self, request, *args, **kwargs):
        """The context of the editors' preview; readers are served by ``survey_page_serve``."""
        context = super().get_context(request, *args, **kwargs)
        context.update(
            questions=self.question_list, errors={}, data={}, may_answer=True, is_open=True
        )
        return context

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class SurveyResponse(models.Model):
    """One reader's answers. A member's draft keeps the answers given so far; answers of a
    submitted response are also written as ``SurveyAnswer`` rows, which results aggregate.
    In an anonymous survey ``respondent`` is cleared at submission (``SurveyParticipation``
    alone records that the member answered)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    survey = models.ForeignKey(
        SurveyPage, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    draft = models.JSONField(_("answers so far"), default=dict, blank=True)
    # Snapshots for the cross-tabs, taken at submission.
    level = models.CharField(_("level"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    project = models.CharField(_("housing project"), max_length=80, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    segment_consent = models.BooleanField(
        _("may be used for member segments"),
        default=False,
        help_text=_("The respondent ticked the consent box of a survey usable for segments."),
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        permissions = [("view_survey_results", _("Can read survey results and export them"))]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="one_response_per_member",
            )
        ]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class SurveyParticipation(models.Model):
    """That a member (or a visitor's browser) completed a survey: what makes a response unique,
    even in an anonymous survey where the response no longer names them. Dated to the day so
    it cannot be matched to a response by time."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_participations",
    )
    visitor_key = models.CharField(_("visitor token"), max_length=40, blank=True)
    completed_on = models.DateField(_("completed on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"],
                condition=models.Q(member__isnull=False),
                name="one_participation_per_member",
            ),
            models.UniqueConstraint(
                fields=["survey", "visitor_key"],
                condition=~models.Q(visitor_key=""),
                name="one_participation_per_visitor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.member_id or self.visitor_key}"


class SurveyAnswer(models.Model):
    """One answer (one choice of a multiple choice, one row of a matrix) of a submitted
    response; ``survey`` is repeated here so results group one table."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.CharField(_("question code"), max_length=40)
    row = models.CharField(_("row"), max_length=200, blank=True)
    value = models.CharField(_("answer"), max_length=200, blank=True)
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        indexes = [
            models.Index(fields=["survey", "question", "row", "value"]),
            # The latest free-text answers of a question.
            models.Index(
                fields=["survey", "question", "response"], name="surveys_answer_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value or self.number or self.text[:20]}"


class SurveyAnswerCount(models.Model):
    """How many ``SurveyAnswer`` rows a survey has per (question, row, value): the results
    page reads these few hundred rows instead of grouping millions of answers. Kept in the
    submitting transaction (an upsert adding to ``n``) and when a response is deleted; the
    answers stay the truth: ``survey_counts_rebuild`` recomputes the counters from them."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    question = models.CharField(_("question code"), max_length=40)
    row = models.CharField(_("row"), max_length=200, blank=True)
    value = models.CharField(_("answer"), max_length=200, blank=True)
    n = models.IntegerField(_("answers"), default=0)

    class Meta:
        verbose_name = _("survey answer count")
        verbose_name_plural = _("survey answer counts")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question", "row", "value"], name="one_count_per_answer_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}/{self.row}/{self.value}: {self.n}"


class SurveyGroupCount(models.Model):
    """``SurveyAnswerCount`` per group of respondents, for the cross-tabs: how many answers
    (outside matrix rows) a survey has per level, city or housing project (the response's
    snapshot), question and value. Kept and rebuilt with the answer counters."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    dimension = models.CharField(_("broken down by"), max_length=10)
    group = models.CharField(_("group"), max_length=80, blank=True)
    question = models.CharField(_("question code"), max_length=40)
    value = models.CharField(_("answer"), max_length=200, blank=True)
    n = models.IntegerField(_("answers"), default=0)

    class Meta:
        verbose_name = _("survey group count")
        verbose_name_plural = _("survey group counts")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "dimension", "group", "question", "value"],
                name="one_group_count_per_answer_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.group} {self.question}/{self.value}: {self.n}"


class SurveyTextPhrases(models.Model):
    """The recurring phrases of one free-text question, as last computed in the background
    (``portal.surveys.phrases``): when, over how many answers, and the phrases themselves
    (``SurveyPhrase``). The results page reads these rows; it never mines answers itself.
    A recomputation replaces every row of the survey in one transaction."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    question = models.CharField(_("question code"), max_length=40)
    revision_id = models.IntegerField(_("survey revision"), null=True, blank=True)
    answers = models.IntegerField(_("answers mined"), default=0)
    answers_total = models.IntegerField(_("text answers at the time"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    seconds = models.FloatField(_("mining time (s)"), default=0)

    class Meta:
        verbose_name = _("recurring phrases of a question")
        verbose_name_plural = _("recurring phrases of questions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question"], name="one_phrase_set_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.question}: {self.answers}"


class SurveyPhrase(models.Model):
    """A phrase that recurs in a question's free-text answers: how many of the mined answers
    contain it and up to three of them (``SurveyAnswer`` ids, shown as their text only)."""

    phrase_set = models.ForeignKey(
        SurveyTextPhrases,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="phrases",
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    text = models.CharField(_("phrase"), max_length=80)
    answers = models.IntegerField(_("answers containing it"))
    examples = models.JSONField(_("example answers"), default=list, blank=True)

    class Meta:
        ordering = ["phrase_set", "rank"]
        verbose_name = _("recurring phrase")
        verbose_name_plural = _("recurring phrases")

    def __str__(self) -> str:
        return f"{self.text}: {self.answers}"


# Owners' votes -------------------------------------------------------------------------------


class UnitArea(models.Model):
    """A unit's floor area (建筑面积) in the register of a housing project, for votes weighted
    by area. Kept here, not on the members' models, so the members' domain stays unchanged."""

    project = models.ForeignKey(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20)
    area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["project", "building", "unit"]
        verbose_name = _("unit floor area")
        verbose_name_plural = _("unit floor areas")
        constraints = [
            models.UniqueConstraint(fields=["project", "building", "unit"], name="unique_unit_area")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.building}-{self.unit} {self.area} m²"


class DecisionRule(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary matter: more than half of the participating units and area")
    MAJOR = "major", _("Major matter: three quarters of the participating units and area")


class OwnersVote(models.Model):
    """业主表决: one ballot per unit of the register, counted by units and (optionally) area.

    The rules are those of the Civil Code (art. 278) unless changed when the vote is created:
    at least two thirds of the units and of the area take part; the matter passes with more than
    half (ordinary) or at least three quarters (major) of the participating units and area.
    """

    project = models.ForeignKey(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    buildings = models.CharField(
        _("buildings"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. 1栋,2栋. Empty: the whole project."),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("matter to decide"))
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("deadline"))
    rule = models.CharField(
        _("decision rule"),
        max_length=10,
        choices=DecisionRule.choices,
        default=DecisionRule.ORDINARY,
    )
    weighted_by_area = models.BooleanField(
        _("count floor area too"),
        default=True,
        help_text=_("The Civil Code counts both units and area."),
    )
    open_ballot = models.BooleanField(
        _("open ballot"),
        default=False,
        help_text=_("Owners may see how each unit voted. Otherwise only counts are shown."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        permissions = [("view_vote_audit", _("Can see who cast each unit's ballot"))]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The deadline must come after the opening.")})

    @property
    def building_list(self) -> list[str]:
        return [b.strip() for b in self.buildings.replace("，", ",").split(",") if b.strip()]

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class VoteOption(models.Model):
    vote = models.ForeignKey(
        OwnersVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("option"), max_length=100)
    approves = models.BooleanField(
        _("approves the matter"),
        default=False,
        help_text=_("The option whose share decides whether the matter passes (同意)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.label


class VoteUnit(models.Model):
    """A unit entitled to one ballot, with its area, copied from the register when the vote
    opens: the totals the quorum is measured against do not move during the vote."""

    vote = models.ForeignKey(
        OwnersVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="units"
    )
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20)
    area = models.DecimalField(_("floor area (m²)"), max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["building", "unit"]
        verbose_name = _("unit in the vote")
        verbose_name_plural = _("units in the vote")
        constraints = [
            models.UniqueConstraint(fields=["vote", "building", "unit"], name="unique_vote_unit")
        ]

    def __str__(self) -> str:
        return f"{self.building}-{self.unit}"


class VoteBallot(models.Model):
    """A unit's ballot, cast by one of its verified owners; final once cast. The caster and time
    are the audit trail (administrators only)."""

    vote = models.ForeignKey(
        OwnersVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    vote_unit = models.OneToOneField(
        VoteUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="ballot"
    )
    option = models.ForeignKey(
        VoteOption, verbose_name=_("option"), on_delete=models.PROTECT, related_name="ballots"
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cast by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)

    class Meta:
        ordering = ["cast_at"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.vote_unit}: {self.option}"
