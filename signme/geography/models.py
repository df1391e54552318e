from django.db import models
from django.utils.translation import gettext_lazy


class AreaType(models.TextChoices):
    """The areas a council or parliamentary petition asks about, in the
    order of size. The values name the columns on Postcode and Signature."""

    COUNTRY = "country", gettext_lazy("Country")
    REGION = "region", gettext_lazy("Region")
    COUNTY = "county", gettext_lazy("County")
    DISTRICT = "district", gettext_lazy("Local authority district")
    DIVISION = "division", gettext_lazy("County electoral division")
    WARD = "ward", gettext_lazy("Ward")
    CONSTITUENCY = "constituency", gettext_lazy("Westminster constituency")


AREA_TYPES = [t.value for t in AreaType]


class Area(models.Model):
    """A named area, by its nine-character GSS code (E10000020: Norfolk)."""

    code = models.CharField(max_length=9, primary_key=True)
    type = models.CharField(max_length=12, choices=AreaType.choices)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["type", "name", "code"]

    def __str__(self):
        return f"{self.name or self.code} ({self.get_type_display()})"

    @property
    def label(self) -> str:
        return self.name or self.code


class Postcode(models.Model):
    """One row of the ONS postcode directory, keeping only the areas SignMe
    uses. An empty code means the postcode lies in no such area (ONS writes a
    pseudo-code such as E99999999 there)."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text="As 'NR1 2DH'.")
    terminated = models.DateField(
        null=True, blank=True, help_text="The month Royal Mail stopped using it, if it did."
    )
    country = models.CharField(max_length=9, blank=True)
    region = models.CharField(max_length=9, blank=True)
    county = models.CharField(max_length=9, blank=True)
    district = models.CharField(max_length=9, blank=True)
    division = models.CharField(max_length=9, blank=True)
    ward = models.CharField(max_length=9, blank=True)
    constituency = models.CharField(max_length=9, blank=True)

    def __str__(self):
        return self.postcode

    def areas(self) -> dict[str, str]:
        return {t: getattr(self, t) for t in AREA_TYPES}


class Edition(models.Model):
    """The directory loaded now: an import replaces the one before."""

    file_name = models.CharField(max_length=300)
    imported_at = models.DateTimeField()
    postcodes = models.PositiveIntegerField()
    terminated = models.PositiveIntegerField()
    areas = models.PositiveIntegerField()

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.postcodes:,} postcodes)"
