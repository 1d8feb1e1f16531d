"""The flows and the ``osaava`` command. Importing this package is the first thing both a
worker's flow run and the command do: from here on, what they write is private to their user."""

from osaava.privacy import private_umask

private_umask()
