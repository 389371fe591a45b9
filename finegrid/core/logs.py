"""The log handler of finegrid's settings: Django's StreamHandler, but always writing to the
standard error stream of the moment. A StreamHandler keeps the stream it was built with, and
Django rebuilds the handlers whenever a command sets Django up again: in a test run (a command
called in-process while pytest captures its output) the handler then held a closed capture
stream, and every later record failed with "I/O operation on closed file"."""

import logging
import sys


class StderrHandler(logging.StreamHandler):
    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass  # the stream is always the current sys.stderr
