"""The events the movements context publishes through the outbox (schema ``nominations``); their
payload models are in ``shared/contracts/movements.py``:

- ``nominations.movement.launched`` (:class:`MovementLaunchedV1`): the units in scope are asked to register;
- ``nominations.movement.phase_started`` / ``phase_ended`` (:class:`MovementPhaseV1`): by the daily sweep
  (or at launch for a phase already under way); the end asks for the phase's report (sơ kết);
- ``nominations.movement.registration_due`` (:class:`MovementRegistrationDueV1`): once per deadline, in
  the week before it, naming the units in scope that have not registered;
- ``nominations.movement.model_recognised`` (:class:`MovementModelRecognisedV1`): a model recognised by a
  decision, for its unit.
"""
from __future__ import annotations

from shared.contracts.movements import (
    MOVEMENT_LAUNCHED,
    MOVEMENT_MODEL_RECOGNISED,
    MOVEMENT_PHASE_ENDED,
    MOVEMENT_PHASE_STARTED,
    MOVEMENT_REGISTRATION_DUE,
)

EVENT_TYPES = (MOVEMENT_LAUNCHED, MOVEMENT_PHASE_STARTED, MOVEMENT_PHASE_ENDED, MOVEMENT_REGISTRATION_DUE,
               MOVEMENT_MODEL_RECOGNISED)
