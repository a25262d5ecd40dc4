import pytest

from tests.factories import make_contributor, make_editor


def signed_in(client, user):
    """`client` signed in as `user`, who stays at hand as `client.user`."""
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor(client):
    """A test client signed in as a member of the Editor role."""
    return signed_in(client, make_editor("desk"))


@pytest.fixture
def contributor(client):
    """A test client signed in as a member of the Contributor role."""
    return signed_in(client, make_contributor("writer"))
