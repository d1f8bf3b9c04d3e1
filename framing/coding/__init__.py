"""The coding loop: what to code, reading codings, agreement between coders, the gold set.

files.py       a coder's file, checked against the schema
gold.py        the study's sentences, coding sheets, blind samples, gold assembly, counts
agreement.py   Krippendorff's alpha per label and the disagreements
"""
