"""The practice hospital (演练医院) built by ``qledger demo``, and the demo accounts it shares with the
development simulator (``tools/demo_hospital``)."""
