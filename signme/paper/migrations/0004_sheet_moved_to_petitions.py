"""Sheet now belongs to petitions (same table); scans and row marks point there."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('paper', '0003_sheet_numbers_notice_marks'),
        ('petitions', '0004_sheet_and_paper_columns_join_the_core'),
    ]

    # The tables stay where they are: only Django's idea of which app owns
    # the model changes, so nothing is copied and no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='scan',
                    name='sheet',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='scans', to='petitions.sheet'),
                ),
                migrations.AlterField(
                    model_name='rowmark',
                    name='sheet',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='marks', to='petitions.sheet'),
                ),
                migrations.DeleteModel(
                    name='Sheet',
                ),
            ],
        ),
    ]
