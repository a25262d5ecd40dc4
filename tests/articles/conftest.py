import pytest

from tests.factories import make_contributor, make_editor


@pytest.fixture
def editor(client):
    """A test client signed in as a member of the Editor role (`client.user`)."""
    user = make_editor("desk", first_name="Desk", last_name="Editor")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def contributor(client):
    """A test client signed in as a member of the Contributor role (`client.user`)."""
    user = make_contributor("writer", first_name="Wanda", last_name="Writer")
    client.force_login(user)
    client.user = user
    return client
