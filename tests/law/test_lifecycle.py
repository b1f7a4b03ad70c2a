"""Which actions each status of an application allows."""

import pytest

from confirm.law.errors import DomainError
from confirm.law.lifecycle import Action, require_allowed


def test_a_submitted_application_cannot_be_edited():
    with pytest.raises(DomainError) as caught:
        require_allowed("submitted", Action.EDIT)
    assert caught.value.status == 409 and caught.value.code == "application.invalid_state"
    require_allowed("returned", Action.EDIT)

