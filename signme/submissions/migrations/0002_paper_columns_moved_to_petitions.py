"""PaperColumns now belongs to petitions (same table)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0001_initial'),
        ('petitions', '0004_sheet_and_paper_columns_join_the_core'),
    ]

    # The tables stay where they are: only Django's idea of which app owns
    # the model changes, so nothing is copied and no row moves.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='PaperColumns',
                ),
            ],
        ),
    ]
