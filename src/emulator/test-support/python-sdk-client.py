"""
Drives the Azure SDK for Python (Debian's python3-azure) against the ward ARM emulator, as a user would, and
prints one JSON object with what it saw. Run with /usr/bin/python3 (the interpreter Debian's packages belong to).

Reads: WARD_ARM_ENDPOINT, AZURE_AUTHORITY_HOST, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,
REQUESTS_CA_BUNDLE (the emulator's CA), WARD_SUBSCRIPTION_ID (the subscription to write to).
Never prints the secret or a token. Any exception ends the run with a non-zero exit and its message on stderr.
"""
import json
import os
import sys

from azure.identity import ClientSecretCredential
from azure.mgmt.resource import SubscriptionClient
from azure.mgmt.security import SecurityCenter


def main() -> None:
    endpoint = os.environ["WARD_ARM_ENDPOINT"]
    ca = os.environ["REQUESTS_CA_BUNDLE"]
    subscription_id = os.environ["WARD_SUBSCRIPTION_ID"]
    credential = ClientSecretCredential(
        os.environ["AZURE_TENANT_ID"],
        os.environ["AZURE_CLIENT_ID"],
        os.environ["AZURE_CLIENT_SECRET"],
        authority=os.environ["AZURE_AUTHORITY_HOST"],
        instance_discovery=False,  # this azure-identity beta's name for skipping the authority check
        connection_verify=ca,
    )
    scopes = [f"{endpoint}/.default"]
    out = {}

    subscriptions = SubscriptionClient(credential, base_url=endpoint, credential_scopes=scopes, connection_verify=ca)
    out["subscriptions"] = sorted(s.subscription_id for s in subscriptions.subscriptions.list())
    out["tenants"] = [t.tenant_id for t in subscriptions.tenants.list()]

    security = SecurityCenter(credential, subscription_id, base_url=endpoint, credential_scopes=scopes, connection_verify=ca)
    contacts = security.security_contacts
    out["listedBefore"] = sorted(c.name for c in contacts.list())
    created = contacts.create(
        "default1",
        {"email": "python-sdk@contoso.com", "phone": "+1-425-555-0199", "alert_notifications": "On", "alerts_to_admins": "Off"},
    )
    out["created"] = {"name": created.name, "email": created.email, "alertsToAdmins": created.alerts_to_admins}
    got = contacts.get("default1")
    out["got"] = {"name": got.name, "email": got.email}
    out["listedAfterCreate"] = sorted(c.name for c in contacts.list())
    # the 2023 list read through the 2017 models, with an explicit api-version (as the SDK allows)
    out["listed2023"] = sorted(c.name for c in contacts.list(api_version="2023-12-01-preview"))
    contacts.delete("default1")  # the 2017 spec lists 204 only: the SDK raises on anything else
    out["listedAfterDelete"] = sorted(c.name for c in contacts.list())
    print(json.dumps(out))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - the test reads the message
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
