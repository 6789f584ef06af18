from django.conf import settings

from highneeds import OGL_ATTRIBUTION, __version__


def service(request):
    """Names every page needs: service name, phase, version, OGL attribution."""
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.PHASE,
        "highneeds_version": __version__,
        "ogl_attribution": OGL_ATTRIBUTION,
    }
