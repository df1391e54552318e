from django.db import models


class Counter(models.Model):
    """Hits on one key since its window opened; the window opens at the first
    hit and lasts until `expires`. One row per key, reused window after window."""

    key = models.CharField(max_length=80, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires = models.FloatField(db_index=True)  # Unix time

    def __str__(self):
        return self.key
