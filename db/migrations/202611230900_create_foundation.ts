// Frozen in time: never edit a migration that has shipped; add a new one.
// Portable across MySQL/MariaDB and SQLite: varchar for indexed text, bigint epoch-ms times,
// integer 0/1 flags, app-generated string ids.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('region')
		.addColumn('code', 'varchar(12)', (c) => c.notNull())
		.addColumn('name', 'varchar(100)', (c) => c.notNull())
		.addColumn('level', 'integer', (c) => c.notNull())
		.addColumn('parent_code', 'varchar(12)')
		.addColumn('is_key_county', 'integer', (c) => c.notNull().defaultTo(0))
		// (code, level), not code alone: NBS repeats a code one level down where a level is
		// missing (东莞 and 中山 have no counties, so the city reappears as its own county), and we
		// keep those rows so that every village has a full five-level chain.
		.addPrimaryKeyConstraint('region_pk', ['code', 'level'])
		.execute()
	await db.schema.createIndex('region_parent_idx').on('region').columns(['parent_code', 'code']).execute()
	await db.schema.createIndex('region_level_idx').on('region').columns(['level', 'code']).execute()
	await db.schema.createIndex('region_name_idx').on('region').column('name').execute()

	await db.schema
		.createTable('account')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
		.addColumn('username', 'varchar(32)', (c) => c.notNull().unique())
		.addColumn('display_name', 'varchar(64)', (c) => c.notNull())
		.addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
		.addColumn('is_national_admin', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('locale', 'varchar(8)', (c) => c.notNull().defaultTo('zh-CN'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()

	await db.schema
		.createTable('session')
		.addColumn('id', 'varchar(64)', (c) => c.primaryKey())
		.addColumn('account_id', 'varchar(26)', (c) => c.notNull().references('account.id').onDelete('cascade'))
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('ip', 'varchar(64)')
		.addColumn('user_agent', 'varchar(255)')
		.execute()
	await db.schema.createIndex('session_account_idx').on('session').column('account_id').execute()
	await db.schema.createIndex('session_expires_idx').on('session').column('expires_at').execute()

	await db.schema
		.createTable('login_attempt')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('account_key', 'varchar(254)', (c) => c.notNull())
		.addColumn('ip', 'varchar(64)', (c) => c.notNull())
		.addColumn('succeeded', 'integer', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('login_attempt_account_idx').on('login_attempt').columns(['account_key', 'created_at']).execute()
	await db.schema.createIndex('login_attempt_ip_idx').on('login_attempt').columns(['ip', 'created_at']).execute()

	await db.schema
		.createTable('organization')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('kind', 'varchar(32)', (c) => c.notNull())
		.addColumn('subtype', 'varchar(32)')
		.addColumn('name', 'varchar(200)', (c) => c.notNull())
		.addColumn('uscc', 'varchar(18)', (c) => c.unique())
		.addColumn('region_code', 'varchar(12)')
		// Set only for village orgs; unique so that a village has at most one org. Region codes
		// carry no foreign key (the region key is code + level); the models check them.
		.addColumn('village_code', 'varchar(12)', (c) => c.unique())
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('status_reason', 'varchar(500)')
		.addColumn('reviewed_by', 'varchar(26)', (c) => c.references('account.id'))
		.addColumn('reviewed_at', 'bigint')
		.addColumn('description', 'text')
		.addColumn('contact_name', 'varchar(64)')
		.addColumn('contact_phone', 'varchar(32)')
		.addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('created_by', 'varchar(26)', (c) => c.references('account.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('organization_region_idx').on('organization').columns(['region_code', 'status']).execute()
	await db.schema.createIndex('organization_kind_idx').on('organization').columns(['kind', 'status']).execute()
	await db.schema.createIndex('organization_status_idx').on('organization').columns(['status', 'created_at']).execute()

	await db.schema
		.createTable('membership')
		.addColumn('org_id', 'varchar(26)', (c) => c.notNull().references('organization.id').onDelete('cascade'))
		.addColumn('account_id', 'varchar(26)', (c) => c.notNull().references('account.id').onDelete('cascade'))
		.addColumn('role', 'varchar(16)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('membership_pk', ['org_id', 'account_id'])
		.execute()
	await db.schema.createIndex('membership_account_idx').on('membership').column('account_id').execute()

	await db.schema
		.createTable('pairing')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('kind', 'varchar(16)', (c) => c.notNull())
		.addColumn('provider_org_id', 'varchar(26)', (c) => c.references('organization.id'))
		.addColumn('provider_region_code', 'varchar(12)')
		.addColumn('recipient_region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('started_year', 'integer', (c) => c.notNull())
		.addColumn('note', 'varchar(500)', (c) => c.notNull().defaultTo(''))
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.references('account.id'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('ended_by', 'varchar(26)', (c) => c.references('account.id'))
		.addColumn('ended_at', 'bigint')
		.execute()
	await db.schema.createIndex('pairing_recipient_idx').on('pairing').columns(['recipient_region_code', 'status']).execute()
	await db.schema.createIndex('pairing_provider_org_idx').on('pairing').columns(['provider_org_id', 'status']).execute()
	await db.schema.createIndex('pairing_provider_region_idx').on('pairing').columns(['provider_region_code', 'status']).execute()

	// Append-only: no code path updates or deletes an event.
	await db.schema
		.createTable('event')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('entity_type', 'varchar(32)', (c) => c.notNull())
		.addColumn('entity_id', 'varchar(32)', (c) => c.notNull())
		.addColumn('action', 'varchar(32)', (c) => c.notNull())
		.addColumn('from_state', 'varchar(32)')
		.addColumn('to_state', 'varchar(32)')
		.addColumn('actor_account_id', 'varchar(26)')
		.addColumn('actor_org_id', 'varchar(26)')
		.addColumn('note', 'text')
		.addColumn('request_id', 'varchar(64)')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('event_entity_idx').on('event').columns(['entity_type', 'entity_id', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['event', 'pairing', 'membership', 'organization', 'login_attempt', 'session', 'account', 'region']) {
		await db.schema.dropTable(table).ifExists().execute()
	}
}
