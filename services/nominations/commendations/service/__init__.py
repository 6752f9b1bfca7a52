"""Commendation use cases. Each takes the request's connection (inside its transaction) and the caller.

Who may do what is decided by ``commendations.domain.policy`` (anything else is 403 and changes nothing):
- a **province** drafts proposals for itself in a cluster-year it belongs to (the registry says),
  names its nominees, attaches files and submits; it edits only while draft or returned;
- the **lead** of the cluster-year (the registry's ``lead``, asked on every lead action) reads the
  cluster's submitted proposals, accepts or returns each nominee with a reason, and sends the list;
- the **ministry** reads everything, approves or rejects each sent nominee (the Government-flag cap
  holds, ``services.nominations.government_flag_cap``), configures the award forms and drafts,
  edits and issues decisions.
Nominees' personal data (birth date, summary, files) is read by the proposing province, its lead and
the ministry; what the statistics forms count (sex, leader's level, direct worker, ethnic minority)
by the proposing unit, its organiser's office and the ministry only, not the lead; the public
register shows what an issued decision published.

One module per responsibility: ``proposals`` (forms, proposals, nominees), ``attachments``,
``review`` (the lead's and the ministry's), ``carry`` (a flag vote's units), ``decisions`` and
``register``; ``access`` loads the aggregates and asks the policy. This package is the context's
service interface: the routers use what it names.
"""
from __future__ import annotations

from services.nominations.commendations.service.access import NomineeData, can_read, nominee_out, proposal_out
from services.nominations.commendations.service.attachments import add_attachment, attachment_meta, delete_attachment
from services.nominations.commendations.service.carry import carry_approved_round
from services.nominations.commendations.service.decisions import (
    create_decision,
    decision_out,
    get_decision,
    issue_decision,
    list_decisions,
    update_decision,
)
from services.nominations.commendations.service.proposals import (
    add_nominee,
    create_proposal,
    form_versions,
    get_proposal,
    list_forms,
    list_proposals,
    put_form,
    submit_proposal,
    update_nominee,
    withdraw_nominee,
)
from services.nominations.commendations.service.register import (
    XLSX,
    Documents,
    attachment_chunks,
    awards_workbook,
    decision_html,
    decision_pdf,
    export_register,
    holder_awards,
    search_awards,
)
from services.nominations.commendations.service.review import (
    accept_nominee,
    approve_nominee,
    cluster_list,
    reject_nominee,
    return_nominee,
    review_queue,
    send_list,
)
from services.nominations.commendations.service.rules import decision_issuer, get_rules, put_rules
from services.nominations.registry_client import Registry, RegistryClient
from services.nominations.settings import NominationsSettings, Settings

__all__ = [
    "XLSX", "Documents", "NominationsSettings", "NomineeData", "Registry", "RegistryClient", "Settings", "accept_nominee",
    "add_attachment", "add_nominee", "approve_nominee", "attachment_chunks", "attachment_meta", "awards_workbook",
    "can_read", "carry_approved_round", "cluster_list", "create_decision", "create_proposal", "decision_html",
    "decision_issuer", "decision_out", "decision_pdf", "delete_attachment", "export_register", "get_decision",
    "get_proposal", "get_rules", "holder_awards", "put_rules",
    "form_versions", "issue_decision", "list_decisions", "list_forms", "list_proposals", "nominee_out", "proposal_out", "put_form",
    "reject_nominee", "return_nominee", "review_queue", "search_awards", "send_list", "submit_proposal",
    "update_decision", "update_nominee", "withdraw_nominee",
]
