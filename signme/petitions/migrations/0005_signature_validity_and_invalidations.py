"""Each signature's validity, decided once and stored (see validity.py), and
organisers' invalidation rules. Existing signatures are decided here by the
same rules, frozen as they were when this migration was written."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, F, Q, Value, When


def decide_existing(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    invalidated = Q(invalidation__isnull=False) | Q(status="invalid")
    flagged = ~Q(flagged="")
    Signature.objects.update(
        validity=Case(
            When(status="pending", then=Value("pending")),
            When(status="duplicate", then=Value("duplicate")),
            When(invalidated, then=Value("invalidated")),
            When(eligible=False, then=Value("not_eligible")),
            When(flagged, then=Value("review")),
            default=Value("counted"),
        ),
        validity_reason=Case(
            When(status="pending", then=Value("")),
            When(status="duplicate", then=Value("same_person")),
            When(invalidation__isnull=False, then=Value("rule")),
            When(status="invalid", then=Value("staff")),
            When(eligible=False, then=Value("answered_no")),
            When(flagged, then=F("flagged")),
            default=Value(""),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0004_sheet_and_paper_columns_join_the_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="client_ip",
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="signature",
            name="flagged",
            field=models.CharField(blank=True, db_default="", max_length=40),
        ),
        migrations.AddField(
            model_name="signature",
            name="kept_apart_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="petitions.signature",
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="validity",
            field=models.CharField(
                choices=[
                    ("pending", "Not confirmed yet"),
                    ("counted", "Counted"),
                    ("not_eligible", "Recorded, not counted: not eligible"),
                    ("duplicate", "Not counted: the same person signed already"),
                    ("invalidated", "Not counted: invalidated"),
                    ("review", "Held for review"),
                ],
                db_default="pending",
                default="pending",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="validity_reason",
            field=models.CharField(blank=True, db_default="", max_length=40),
        ),
        migrations.AddField(
            model_name="target",
            name="refuse_ineligible",
            field=models.BooleanField(
                default=False,
                help_text="Refuse a signer who answers no, instead of recording them as not counted.",
            ),
        ),
        migrations.CreateModel(
            name="Invalidation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        choices=[
                            ("address", "Signed from an address or range"),
                            ("domain", "Email domain"),
                            ("window", "Signed within a time window"),
                            ("name", "Name matching a pattern"),
                            ("sheet", "Rows of a paper sheet"),
                        ],
                        max_length=10,
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=200)),
                ("starts_at", models.DateTimeField(blank=True, null=True)),
                ("ends_at", models.DateTimeField(blank=True, null=True)),
                ("reason", models.CharField(max_length=300)),
                ("matched", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("undone_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "petition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invalidations",
                        to="petitions.petition",
                    ),
                ),
                (
                    "undone_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.AddField(
            model_name="signature",
            name="invalidation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="signatures",
                to="petitions.invalidation",
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["petition", "validity", "source"], name="sig_validity_idx"),
        ),
        migrations.RunPython(decide_existing, migrations.RunPython.noop),
    ]
