"""An organiser's emulation council (Hội đồng thi đua, khen thưởng): its members per term, its
sessions on the nominees the organiser received, the secret ballot per nominee with thresholds
counted against all members, and the result that decides the nominees.

Nothing here is used by another context; it reaches commendations only through
``commendations.council_nominees`` and ``commendations.apply_council_verdict``."""
