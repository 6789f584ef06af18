"""Signals other apps use to keep their copies of responses in step with erasure.

``responses_erased`` is sent inside the erasing transaction with ``consultation``,
``references`` (the erased responses' references) and ``text_only``: True when only their free
text was erased (retention), False when the whole responses were deleted (a request). Receivers
remove every derived copy (e.g. the analysis app's theme review state).
"""

from django.dispatch import Signal

responses_erased = Signal()
