"""Sheets and a petition's paper columns become part of the core: counting
needs sheet tallies, and the compliance check needs the paper columns."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0003_petition_count'),
        ('paper', '0003_sheet_numbers_notice_marks'),
        ('submissions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables stay where they are: only Django's idea of which app owns
    # the model changes, so nothing is copied and no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PaperColumns',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.BooleanField(default=True, verbose_name='Full name')),
                        ('address', models.BooleanField(default=True, verbose_name='Address')),
                        ('postcode', models.BooleanField(default=True, verbose_name='Postcode')),
                        ('email', models.BooleanField(default=True, verbose_name='Email address')),
                        ('signature', models.BooleanField(default=True, verbose_name='Signature')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('petition', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='paper_columns', to='petitions.petition')),
                    ],
                    options={
                        'verbose_name_plural': 'paper columns',
                        'db_table': 'submissions_papercolumns',
                    },
                ),
                migrations.CreateModel(
                    name='Sheet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('serial', models.CharField(max_length=20, unique=True)),
                        ('sequence', models.PositiveIntegerField(blank=True, null=True)),
                        ('downloaded', models.BooleanField(default=False)),
                        ('rows', models.PositiveSmallIntegerField(default=10)),
                        ('issued_to', models.CharField(blank=True, max_length=200)),
                        ('issued_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('status', models.CharField(choices=[('issued', 'Issued'), ('returned', 'Returned and tallied'), ('transcribed', 'Transcribed')], default='issued', max_length=12)),
                        ('tally', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('returned_at', models.DateTimeField(blank=True, null=True)),
                        ('transcribed_at', models.DateTimeField(blank=True, null=True)),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('notice', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='petitions.privacynotice')),
                        ('petition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sheets', to='petitions.petition')),
                    ],
                    options={
                        'db_table': 'paper_sheet',
                    },
                ),
                migrations.AlterField(
                    model_name='signature',
                    name='sheet',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='petitions.sheet'),
                ),
                migrations.AddIndex(
                    model_name='sheet',
                    index=models.Index(fields=['petition', 'status'], name='sheet_status_idx'),
                ),
                migrations.AddConstraint(
                    model_name='sheet',
                    constraint=models.UniqueConstraint(fields=('petition', 'sequence'), name='one_sheet_per_sequence'),
                ),
            ],
        ),
    ]
