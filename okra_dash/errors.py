"""The exceptions whose message is one sentence for the user, shared by every layer."""


class SourceError(Exception):
    """A source that cannot be used at all; the message is one sentence for the user."""


class UsageError(Exception):
    """A command asked for something that cannot be given (a bad threshold, an unknown cycle); one sentence."""


class DeliveryError(Exception):
    """The digest could not be delivered; the message is one sentence, free of credentials."""


class SettingsError(Exception):
    """A setting that cannot be used (a malformed secrets file, a number that is not one); one sentence."""
