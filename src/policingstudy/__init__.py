"""policingstudy: a reproducible comparative study of police-public interaction.

Kazakhstan's internal affairs bodies compared with the England & Wales police and crime
commissioners, US civilian oversight agencies and German police commissioners.
"""

__version__ = "0.1.0"
