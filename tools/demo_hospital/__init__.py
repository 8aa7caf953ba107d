"""The multi-year hospital simulator (青山县人民医院, fictional): a county hospital's years of records in
every module, for development, screenshots and the benchmark. Not shipped with the program; the
program's own ``qledger demo`` builds the small practice hospital (:mod:`desktop_app.practice`).

    python -m tools.demo_hospital --db FILE [--years N] [--seed S] [--force | --if-missing]

See :mod:`tools.demo_hospital.hospital` for how the build runs.
"""
