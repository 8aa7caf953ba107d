"""Roster fixtures: the small hospital's duty posts (see tests.factories.build_roster_posts)."""
import pytest

from tests.factories import add_roster_doctors, build_roster_posts


@pytest.fixture
def posts(system, hospital):
    return build_roster_posts(system, hospital)


@pytest.fixture
def doctors(system, hospital):
    return add_roster_doctors(system, hospital)
