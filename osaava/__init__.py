"""osaava: follows a municipality's training guideline from HR data to the committee's inbox."""

__version__ = "0.1.0"
