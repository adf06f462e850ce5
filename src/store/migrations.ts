/**
 * The store's schema, as ordered migrations. The same SQL runs on PGlite and on PostgreSQL servers.
 * A migration is applied once, in a transaction, and recorded in `ward_migrations`.
 */
import { foldStoredHistory } from './finding-state-repository.js';
import type { SqlClient } from './sql-client.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Data the SQL alone cannot carry over, moved in the migration's transaction after its SQL. */
  readonly carryOver?: (tx: SqlClient) => Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'inventory, scans and findings',
    sql: `
      CREATE TABLE connectors (
        id text PRIMARY KEY,
        name text,
        type text NOT NULL DEFAULT 'Connector',
        provider text NOT NULL,
        subscription_id text NOT NULL,
        tenant_id text,
        state text,
        tags jsonb NOT NULL DEFAULT '{}'::jsonb,
        read_error_code text,
        read_error_message text,
        collected_at timestamptz NOT NULL,
        collected_by_scan integer
      );
      CREATE TABLE security_contacts (
        id text PRIMARY KEY,
        connector_id text NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        name text,
        type text NOT NULL DEFAULT 'SecurityContact',
        provider text NOT NULL,
        email text,
        emails text[] NOT NULL DEFAULT '{}',
        phone text,
        is_enabled boolean,
        alert_notifications text,
        alert_minimal_severity text,
        alerts_to_admins text,
        notifications_by_role jsonb,
        notifications_sources jsonb,
        api_version text NOT NULL,
        raw jsonb NOT NULL
      );
      CREATE INDEX security_contacts_connector_id ON security_contacts (connector_id);

      CREATE TABLE scans (
        id serial PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status text NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
        source text NOT NULL,
        error text,
        summary jsonb
      );
      CREATE TABLE findings (
        scan_id integer NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        control_id text NOT NULL,
        check_id text NOT NULL,
        asset_id text NOT NULL,
        asset_name text,
        status text NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'excepted', 'skipped')),
        reason text NOT NULL,
        severity text NOT NULL,
        details jsonb,
        PRIMARY KEY (scan_id, control_id, check_id, asset_id)
      );
      CREATE INDEX findings_control_asset ON findings (control_id, asset_id);
    `,
  },
  {
    version: 2,
    name: 'exceptions and their audit trail',
    sql: `
      CREATE TABLE exceptions (
        id text PRIMARY KEY,
        control_id text NOT NULL,
        asset_id text NOT NULL,
        owner text NOT NULL,
        reason text NOT NULL,
        expires text NOT NULL CHECK (expires ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        created_at timestamptz NOT NULL,
        created_by text NOT NULL
      );
      CREATE INDEX exceptions_control ON exceptions (control_id);
      CREATE TABLE exception_events (
        id serial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL CHECK (action IN ('add', 'update', 'remove', 'expire')),
        exception_id text NOT NULL,
        source text,
        exception jsonb NOT NULL
      );
      CREATE INDEX exception_events_exception ON exception_events (exception_id);
    `,
  },
  {
    version: 3,
    name: 'remediation runs and the before-state of every change',
    sql: `
      CREATE TABLE remediation_runs (
        id serial PRIMARY KEY,
        control_id text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        status text NOT NULL CHECK (status IN ('running', 'complete', 'stopped', 'failed', 'rolled-back', 'rollback-failed')),
        arm_endpoint text NOT NULL,
        addresses text[] NOT NULL,
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        message text
      );
      CREATE TABLE remediation_changes (
        run_id integer NOT NULL REFERENCES remediation_runs(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        batch integer NOT NULL,
        asset_id text NOT NULL,
        contact_name text NOT NULL,
        method text NOT NULL CHECK (method IN ('PUT', 'DELETE')),
        path text NOT NULL,
        api_version text NOT NULL,
        request_body jsonb,
        before_exists boolean,
        before_body jsonb,
        after_body jsonb,
        status text NOT NULL CHECK (status IN ('pending', 'applied', 'failed', 'rolled-back', 'rollback-failed')),
        error text,
        applied_at timestamptz,
        rolled_back_at timestamptz,
        PRIMARY KEY (run_id, seq)
      );
      CREATE INDEX remediation_changes_asset ON remediation_changes (asset_id);
    `,
  },
  {
    version: 4,
    name: 'security contacts keep their invalid addresses apart',
    sql: `
      ALTER TABLE security_contacts ADD COLUMN invalid_emails text[] NOT NULL DEFAULT '{}';
    `,
  },
  {
    version: 5,
    name: 'scans record their scope',
    sql: `
      -- the subscriptions a scoped scan (--subscription, --management-group) covered; NULL: everything readable
      ALTER TABLE scans ADD COLUMN scope text[];
    `,
  },
  {
    version: 6,
    name: 'security contacts: what they notify, the same over every api-version',
    sql: `
      ALTER TABLE security_contacts ADD COLUMN enabled boolean NOT NULL DEFAULT true;
      ALTER TABLE security_contacts ADD COLUMN notified_roles text[] NOT NULL DEFAULT '{}';
      ALTER TABLE security_contacts ADD COLUMN alert_severities text[] NOT NULL DEFAULT '{}';
      ALTER TABLE security_contacts ADD COLUMN attack_path_risk_levels text[] NOT NULL DEFAULT '{}';
      -- Contacts stored by an older ward lack these fields: rather than judge them on defaults, their subscriptions
      -- read as errors until the next scan collects them again (never a pass from data ward did not derive).
      UPDATE connectors SET read_error_code = 'InventoryOutdated',
                            read_error_message = 'collected by an older ward that did not derive what the contacts notify; scan again'
      WHERE read_error_code IS NULL AND EXISTS (SELECT 1 FROM security_contacts c WHERE c.connector_id = connectors.id);
    `,
  },
  {
    version: 7,
    name: 'remediation runs: their owner and heartbeat, interrupted runs, reconciled and refused changes',
    sql: `
      -- the process that applies a run (pid on host) and when it last said it was alive: a run whose process is gone
      -- is interrupted, not running forever
      ALTER TABLE remediation_runs ADD COLUMN owner_pid integer;
      ALTER TABLE remediation_runs ADD COLUMN owner_host text;
      ALTER TABLE remediation_runs ADD COLUMN heartbeat_at timestamptz;
      ALTER TABLE remediation_runs DROP CONSTRAINT remediation_runs_status_check;
      ALTER TABLE remediation_runs ADD CONSTRAINT remediation_runs_status_check
        CHECK (status IN ('running', 'complete', 'stopped', 'failed', 'interrupted', 'rolled-back', 'partly-rolled-back', 'rollback-failed'));
      -- not-applied: a pending request that never took effect (read back after a crash); rollback-refused: the
      -- contact changed after the run, and rollback left it as it is
      ALTER TABLE remediation_changes DROP CONSTRAINT remediation_changes_status_check;
      ALTER TABLE remediation_changes ADD CONSTRAINT remediation_changes_status_check
        CHECK (status IN ('pending', 'applied', 'not-applied', 'failed', 'rolled-back', 'rollback-failed', 'rollback-refused'));
      -- what reconciliation or rollback found (e.g. the addresses a forced rollback removed)
      ALTER TABLE remediation_changes ADD COLUMN note text;
    `,
  },
  {
    version: 8,
    name: 'scan ids are dense: max + 1 instead of a sequence',
    sql: `
      -- A sequence skips ids: after a crash it resumes up to 32 values on, and a rolled-back insert consumes one, so
      -- a killed scan made the next id jump by dozens. The store numbers scans max + 1 instead, under a transaction
      -- advisory lock so that concurrent writers of a PostgreSQL server take turns (ids are never reused: scans are
      -- never deleted, failed and interrupted ones stay listed).
      ALTER TABLE scans ALTER COLUMN id DROP DEFAULT;
      DROP SEQUENCE IF EXISTS scans_id_seq;
      CREATE FUNCTION ward_next_scan_id() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id IS NULL THEN
          PERFORM pg_advisory_xact_lock(2002874981, 0);
          NEW.id := coalesce((SELECT max(id) FROM scans), 0) + 1;
        END IF;
        RETURN NEW;
      END
      $$;
      CREATE TRIGGER scans_next_id BEFORE INSERT ON scans FOR EACH ROW EXECUTE FUNCTION ward_next_scan_id();
    `,
  },
  {
    version: 9,
    name: 'scans record the controls a narrowed scan evaluated',
    sql: `
      -- the controls a scan narrowed with --control evaluated; NULL: every control it loaded. With scope, it says which
      -- (control, subscription) verdicts a scan judged: the others keep their last verdict. Existing scans are NULL,
      -- as every scan stored so far is read that way.
      ALTER TABLE scans ADD COLUMN controls text[];
    `,
  },
  {
    version: 10,
    name: 'team mode: configured connectors, queued scans in batches, schedules, notifications',
    sql: `
      -- Connectors as configuration (ward connectors): where a tenant is read from and how to sign in. No secret is
      -- ever stored: credential says where a worker finds one (default | env:PREFIX | managed-identity[:client-id] |
      -- workload-identity).
      CREATE TABLE connector_configs (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        provider text NOT NULL DEFAULT 'azure' CHECK (provider = 'azure'),
        tenant_id text NOT NULL,
        credential text NOT NULL,
        cloud text NOT NULL DEFAULT 'AzureCloud',
        -- a private or sovereign endpoint (Azure Stack Hub, the emulator) instead of the cloud's
        arm_endpoint text,
        authority_host text,
        management_group text,
        subscriptions text[],
        exclude_subscriptions text[] NOT NULL DEFAULT '{}',
        max_concurrency integer NOT NULL DEFAULT 8 CHECK (max_concurrency BETWEEN 1 AND 256),
        created_at timestamptz NOT NULL,
        created_by text NOT NULL
      );
      -- every subscription and finding carries the configured connector that read it (NULL: a local scan)
      ALTER TABLE connectors ADD COLUMN connector_name text;
      ALTER TABLE findings ADD COLUMN connector_name text;
      -- queued: a scan the workers are collecting in batches (ward scan --queue). It holds no transaction while it
      -- waits, so it is told apart from a local scan whose process died ('running' with no lock held).
      ALTER TABLE scans DROP CONSTRAINT scans_status_check;
      ALTER TABLE scans ADD CONSTRAINT scans_status_check CHECK (status IN ('queued', 'running', 'complete', 'failed', 'interrupted'));
      ALTER TABLE scans ADD COLUMN connectors text[];
      -- what every worker judges a queued scan with, frozen when it was enqueued: control ids, parameter values, batch size
      ALTER TABLE scans ADD COLUMN queue_options jsonb;
      CREATE TABLE scan_connectors (
        scan_id integer NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        connector_name text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'planned', 'failed')),
        batches integer,
        subscriptions integer,
        error text,
        PRIMARY KEY (scan_id, connector_name)
      );
      CREATE TABLE scan_batches (
        scan_id integer NOT NULL,
        connector_name text NOT NULL,
        batch integer NOT NULL,
        -- the subscriptions (as ARM listed them) the batch reads and judges
        subscriptions jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'stored', 'failed')),
        failures integer NOT NULL DEFAULT 0,
        error text,
        stored_at timestamptz,
        PRIMARY KEY (scan_id, connector_name, batch),
        FOREIGN KEY (scan_id, connector_name) REFERENCES scan_connectors (scan_id, connector_name) ON DELETE CASCADE
      );
      -- a batch's normalised inventory rows (to_jsonb of a connectors / security_contacts row) until the scan
      -- completes and swaps them in; readers see the previous complete scan until then
      CREATE TABLE staged_inventory (
        scan_id integer NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        connector_name text NOT NULL,
        batch integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('connector', 'contact')),
        row jsonb NOT NULL
      );
      CREATE INDEX staged_inventory_scan ON staged_inventory (scan_id, kind);
      CREATE TABLE schedules (
        id text PRIMARY KEY,
        cron text NOT NULL,
        connectors text[],
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        last_run_at timestamptz,
        last_scan_id integer
      );
      CREATE TABLE notification_channels (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('webhook', 'slack', 'teams')),
        url text NOT NULL,
        events text[] NOT NULL,
        connectors text[],
        min_severity text,
        secret_env text,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL
      );
      -- ward worker processes and the graphile-worker ids they run: a process holds a session advisory lock on its id
      -- for as long as it lives, so the jobs of a process that was killed are unlocked at once, not after 4 hours
      CREATE TABLE worker_processes (
        id serial PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        concurrency integer NOT NULL,
        started_at timestamptz NOT NULL
      );
      CREATE TABLE worker_ids (
        worker_id text PRIMARY KEY,
        process_id integer NOT NULL REFERENCES worker_processes(id) ON DELETE CASCADE
      );
      -- one delivery per (channel, scan); kept after its channel is removed, for ward notify log
      CREATE TABLE notification_deliveries (
        id serial PRIMARY KEY,
        channel_id text NOT NULL,
        scan_id integer NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
        attempts integer NOT NULL DEFAULT 0,
        payload jsonb NOT NULL,
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        delivered_at timestamptz,
        UNIQUE (channel_id, scan_id)
      );
    `,
  },
  {
    version: 11,
    name: 'finding history in proportion to change: current states, before-images, pruned scans',
    sql: `
      -- A scan's verdicts are staged here only until they are folded into finding_states: a local scan copies them
      -- to a temporary table instead, a queued scan's batches write them here (removed when the scan completes).
      ALTER TABLE findings RENAME TO staged_findings;
      DROP INDEX findings_control_asset;
      -- the judged state of every finding ever seen, kept current as scans complete
      CREATE TABLE finding_states (
        control_id text NOT NULL,
        asset_id text NOT NULL,
        check_id text NOT NULL,
        asset_name text,
        -- absent: the last scan that covered it no longer found its asset
        status text NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'excepted', 'skipped', 'absent')),
        reason text NOT NULL,
        severity text NOT NULL,
        details jsonb,
        connector_name text,
        first_seen_scan integer NOT NULL,
        -- the scan its current status began with, and how many times the status changed
        status_since_scan integer NOT NULL,
        status_changes integer NOT NULL DEFAULT 0,
        PRIMARY KEY (control_id, asset_id)
      );
      CREATE INDEX finding_states_first_seen ON finding_states (first_seen_scan);
      -- before-images: the state a finding had just before scan_id changed it
      CREATE TABLE finding_changes (
        scan_id integer NOT NULL REFERENCES scans(id),
        control_id text NOT NULL,
        asset_id text NOT NULL,
        check_id text NOT NULL,
        asset_name text,
        status text NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'excepted', 'skipped', 'absent')),
        reason text NOT NULL,
        severity text NOT NULL,
        details jsonb,
        connector_name text,
        first_seen_scan integer NOT NULL,
        status_since_scan integer NOT NULL,
        status_changes integer NOT NULL,
        PRIMARY KEY (control_id, asset_id, scan_id)
      );
      CREATE INDEX finding_changes_scan ON finding_changes (scan_id);
      -- ward prune: when the scan's findings were removed (its summary row stays)
      ALTER TABLE scans ADD COLUMN pruned_at timestamptz;
    `,
    carryOver: foldStoredHistory,
  },
  {
    version: 12,
    name: 'pinned scans keep the inventory they collected',
    sql: `
      -- ward pin: a scan kept for an audit, with who pinned it and why. ward prune keeps its finding detail.
      CREATE TABLE scan_pins (
        scan_id integer PRIMARY KEY REFERENCES scans(id),
        reason text NOT NULL,
        pinned_by text NOT NULL,
        pinned_at timestamptz NOT NULL
      );
      -- the inventory as it stood when the pinned scan completed, one row of the inventory table per row here, as
      -- to_jsonb of it: a column added to the inventory later reads back as null for older pins (a NOT NULL one needs
      -- its migration to give older pins a value)
      CREATE TABLE pinned_connectors (
        scan_id integer NOT NULL REFERENCES scan_pins(scan_id) ON DELETE CASCADE,
        id text NOT NULL,
        body jsonb NOT NULL,
        PRIMARY KEY (scan_id, id)
      );
      CREATE TABLE pinned_security_contacts (
        scan_id integer NOT NULL REFERENCES scan_pins(scan_id) ON DELETE CASCADE,
        id text NOT NULL,
        body jsonb NOT NULL,
        PRIMARY KEY (scan_id, id)
      );
    `,
  },
  {
    version: 13,
    name: 'the latest judged state kept as the text its readers read',
    sql: `
      -- Written when a scan completes (refreshStateSnapshot): the non-absent rows of finding_states as one JSON text,
      -- so that reading the current state does not build it again (0.3-0.5 s at 80,000 findings). Derived data: at
      -- most one row, for the latest complete scan, removed by any change to finding_states; without it a reader
      -- builds the state from finding_states as before. Compressed (PostgreSQL's default for text): 28 MB of JSON at
      -- 80,000 findings is 4 MB on disk and in the WAL, read as fast as uncompressed and written in 0.3 s more.
      CREATE TABLE state_snapshots (
        scan_id integer PRIMARY KEY REFERENCES scans(id),
        state text NOT NULL
      );
      CREATE FUNCTION ward_drop_state_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM state_snapshots;
        RETURN NULL;
      END
      $$;
      -- no writer of finding_states can leave a snapshot behind that no longer says what the table holds
      CREATE TRIGGER finding_states_drop_snapshot AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON finding_states
        FOR EACH STATEMENT EXECUTE FUNCTION ward_drop_state_snapshot();
    `,
  },
  {
    version: 14,
    name: 'the kept judged state as compressed, dictionary-encoded columns in read order',
    sql: `
      -- The snapshot of migration 13 was the state's JSON text, compressed by PostgreSQL (pglz), and put in order by
      -- every reader: decompressing 28 MB of it took 0.25 s per read, ordering 80,000 rows 0.05-0.09 s. Now ward
      -- writes the bytes (state-snapshot-codec.ts: the columns in read order, gzip-compressed, about 1.1 MB at 80,000
      -- findings), stored as they are (EXTERNAL: not compressed again). The old snapshot is derived data and is not
      -- carried over: until the next scan, readers build the state from finding_states as before. The trigger of
      -- migration 13 still removes the snapshot at any change of finding_states.
      DROP TABLE state_snapshots;
      CREATE TABLE state_snapshots (
        scan_id integer PRIMARY KEY REFERENCES scans(id),
        state bytea NOT NULL,
        -- how many findings it holds: what a diff counts as unchanged without reading them (finding_states less
        -- the changed keys took a full scan of the table, 60-110 ms at 80,000 findings on PGlite)
        findings integer NOT NULL CHECK (findings >= 0)
      );
      ALTER TABLE state_snapshots ALTER COLUMN state SET STORAGE EXTERNAL;
    `,
  },
];
