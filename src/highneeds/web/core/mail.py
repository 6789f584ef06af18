"""The offline email backend: each message written to a file in ``HIGHNEEDS_HOME/outbox``.

A message can hold a link that opens someone's saved answers, so the folder is 0700 and each
file 0600 from its first byte (``highneeds.private_files``). A council sends real email by
setting ``HIGHNEEDS_EMAIL_BACKEND`` (SMTP or GOV.UK Notify: docs/consult.md).
"""

from __future__ import annotations

import os

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from highneeds.private_files import FILE_MODE, private_folder


class PrivateFileEmailBackend(FileEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, file_path=file_path, **kwargs)
        private_folder(self.file_path)

    def open(self):
        if self.stream is None:
            name = self._get_filename()
            descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
            os.chmod(name, FILE_MODE)
            self.stream = os.fdopen(descriptor, "ab")
            return True
        return False
