// Generated from schema/inventory.graphql by scripts/embed-inventory-schema.ts: edit the .graphql file, then run the script.
/** The inventory SDL (schema/inventory.graphql), embedded so the core compiles it without reading a file. */
export const INVENTORY_SDL = `# The inventory ward's checks query. Stored checks are validated against this schema (plus the \`where\`
# input types and root fields the engine derives from it) when controls are loaded.
#
# Directives tell the SQL compiler where things are stored; they are not part of the query language:
#   @table(name)              the table holding the type's rows
#   @column(name)             a column whose name is not the snake_case of the field
#   @relation(foreignKey)     a list of related rows whose \`foreignKey\` column holds this row's id
#   @json                     a JSON value returned as is; it has no filter operators

directive @table(name: String!) on OBJECT
directive @column(name: String!) on FIELD_DEFINITION
directive @relation(foreignKey: String!) on FIELD_DEFINITION
directive @json on FIELD_DEFINITION

"Anything ward collects. \`AssetFragment\` (supplied by the engine) selects these fields."
interface Asset {
  "ARM resource id."
  id: ID!
  name: String
  "GraphQL type name: Connector, SecurityContact."
  type: String!
  "Cloud provider: azure."
  provider: String!
}

"An Azure subscription."
type Connector implements Asset @table(name: "connectors") {
  "\`/subscriptions/<subscriptionId>\`."
  id: ID!
  "The subscription's display name."
  name: String
  type: String!
  provider: String!
  subscriptionId: String!
  tenantId: String
  "Enabled, Warned, PastDue, Disabled or Deleted."
  state: String
  "Subscription tags."
  tags: JSON @json
  """
  Why the subscription's security contacts could not be read, or null when they were: AuthorizationFailed (an
  ARM error), NotCollected (absent from the capture), IncompleteCapture (a list with a nextLink), InvalidResponse.
  A subscription with a read error has NO securityContacts rows, so \`securityContacts_SOME: null\` alone cannot
  tell "no contacts" from "unreadable": add \`readErrorCode: null\`. Checks never pass it: every control reports
  \`error\` for it.
  """
  readErrorCode: String
  "The read error's message (null when the contacts were read)."
  readErrorMessage: String
  "Defender for Cloud security contacts of the subscription (none when they could not be read: see readErrorCode)."
  securityContacts: [SecurityContact!]! @relation(foreignKey: "connector_id")
}

"A Microsoft.Security/securityContacts resource, any api-version."
type SecurityContact implements Asset @table(name: "security_contacts") {
  id: ID!
  "Contact name: \`default\` (2020 and later) or \`default1\`, \`default2\`… (2017)."
  name: String
  type: String!
  provider: String!
  "The subscription id (\`/subscriptions/<guid>\`) the contact belongs to."
  connectorId: String!
  "The address string as the API returned it (\`emails\`, or 2017 \`email\`); null when absent."
  email: String
  "\`email\` split on \`;\` and \`,\`, trimmed, empty items dropped."
  emails: [String!]!
  "The items of \`emails\` that are not a valid email address."
  invalidEmails: [String!]!
  phone: String
  "2023: whether the contact is enabled."
  isEnabled: Boolean
  "State of alert notifications: On or Off."
  alertNotifications: String
  "Lowest alert severity notified: Low, Medium or High."
  alertMinimalSeverity: String
  "2017: whether subscription admins are notified: On or Off."
  alertsToAdmins: String
  "{ state, roles[] } (2020 and later)."
  notificationsByRole: JSON @json
  "[{ sourceType, minimalSeverity | minimalRiskLevel }] (2023)."
  notificationsSources: JSON @json
  "The api-version whose shape the resource had."
  apiVersion: String!
  "False only for a 2023 contact with \`isEnabled: false\`: such a contact notifies no one."
  enabled: Boolean!
  "Roles emailed: \`notificationsByRole.roles\` when its state is On (2020, 2023); \`[\\"Owner\\"]\` for a 2017 contact with \`alertsToAdmins\` On."
  notifiedRoles: [String!]!
  """
  Every alert severity the contact emails, given its threshold (Low < Medium < High): threshold Medium is
  \`["Medium", "High"]\`. 2017 \`alertNotifications\` On emails High alerts. A missing or unknown threshold emails none.
  Test a threshold "at or below X" with \`alertSeverities_INCLUDES: X\`.
  """
  alertSeverities: [String!]!
  "Every attack-path risk level emailed (2023 \`AttackPath\` sources; Low < Medium < High < Critical). 2017 and 2020 contacts: none."
  attackPathRiskLevels: [String!]!
}

"Any JSON value."
scalar JSON
`;
