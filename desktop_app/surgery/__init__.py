"""手术分级管理目录与手术授权 (surgical grading catalogue, surgeon privileges, ability assessments,
operations logs checked against the privileges).

Layout: :mod:`models` (records, grade and code spellings), :mod:`repo` (SQL), :mod:`catalogue`
(versions, procedures, 动态调整, approval, 备案), :mod:`privileges` (grants, assessments, lapses),
:mod:`operations` (HIS operations logs: 越权手术, 三、四级手术实际开展率).
"""
