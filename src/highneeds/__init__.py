"""highneeds: plan SEND support and High Needs funding for English local authorities.

The core (everything outside ``highneeds.web``) never imports Django: it takes and returns
DataFrames or small typed objects, so the CLI, the web app and notebooks share one behaviour.
"""

__version__ = "0.1.0"

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
