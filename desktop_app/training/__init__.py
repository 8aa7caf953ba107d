"""培训与考核 (training sessions, sign-in, assessments and 知晓率 surveys, requirement coverage).

Layout: :mod:`models` (dataclasses, vocabularies), :mod:`repo` (SQL, no rules), :mod:`service`
(use cases with permissions, scope, audit and the coverage rules). See the service's docstring.
"""
