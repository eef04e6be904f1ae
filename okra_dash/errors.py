"""The one exception that means "this source cannot be used at all"."""


class SourceError(Exception):
    """A source that cannot be used at all; the message is one sentence for the user."""


class UsageError(Exception):
    """A command asked for something that cannot be given (a bad threshold, an unknown cycle); one sentence."""
