from django.conf import settings

from .language import current_language, lang_query


def site(request):
    # LANG: "cy" or "en". LANG_QUERY keeps a Welsh reader's links in Welsh;
    # English addresses stay as they were printed.
    language = current_language()
    return {
        "BASE_URL": settings.BASE_URL,
        "DEMO": settings.DEMO,
        "LANG": language,
        "LANG_QUERY": lang_query(language),
    }
