// Frozen in time: never edit a migration that has shipped; add a new one.
// Needs (villages), offers (providers), CSR projects (enterprises), uploads, and the search outbox.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('need')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('village_org_id', 'varchar(26)', (c) => c.notNull().references('organization.id'))
		.addColumn('village_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('title', 'varchar(200)', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		.addColumn('category', 'varchar(32)', (c) => c.notNull())
		// 'amount': target in fen; 'quantity': target in whole units of `unit`.
		.addColumn('measure', 'varchar(16)', (c) => c.notNull())
		.addColumn('unit', 'varchar(16)')
		.addColumn('target', 'bigint', (c) => c.notNull())
		.addColumn('beneficiaries', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('urgency', 'varchar(16)', (c) => c.notNull())
		.addColumn('needed_by', 'bigint', (c) => c.notNull())
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('status_note', 'varchar(500)')
		.addColumn('duplicate_of', 'varchar(26)')
		.addColumn('reviewed_by', 'varchar(26)')
		.addColumn('reviewed_at', 'bigint')
		.addColumn('submitted_at', 'bigint')
		.addColumn('published_at', 'bigint')
		.addColumn('closed_at', 'bigint')
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('need_status_published_idx').on('need').columns(['status', 'published_at']).execute()
	await db.schema.createIndex('need_village_idx').on('need').columns(['village_code', 'status']).execute()
	await db.schema.createIndex('need_org_idx').on('need').columns(['village_org_id', 'status']).execute()
	await db.schema.createIndex('need_category_idx').on('need').columns(['category', 'status']).execute()
	await db.schema.createIndex('need_needed_by_idx').on('need').columns(['status', 'needed_by']).execute()

	await db.schema
		.createTable('offer')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('provider_org_id', 'varchar(26)', (c) => c.notNull().references('organization.id'))
		.addColumn('title', 'varchar(200)', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		.addColumn('measure', 'varchar(16)', (c) => c.notNull())
		.addColumn('unit', 'varchar(16)')
		// null: unlimited. Otherwise fen ('amount') or units ('quantity').
		.addColumn('capacity', 'bigint')
		// 'nationwide' | 'regions' (offer_region rows) | 'pairings' (the provider's pairings).
		.addColumn('coverage', 'varchar(16)', (c) => c.notNull())
		.addColumn('valid_from', 'bigint', (c) => c.notNull())
		.addColumn('valid_until', 'bigint', (c) => c.notNull())
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('status_note', 'varchar(500)')
		.addColumn('published_at', 'bigint')
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('offer_status_idx').on('offer').columns(['status', 'published_at']).execute()
	await db.schema.createIndex('offer_provider_idx').on('offer').columns(['provider_org_id', 'status']).execute()
	await db.schema.createIndex('offer_valid_idx').on('offer').columns(['status', 'valid_until']).execute()

	await db.schema
		.createTable('offer_category')
		.addColumn('offer_id', 'varchar(26)', (c) => c.notNull().references('offer.id').onDelete('cascade'))
		.addColumn('category', 'varchar(32)', (c) => c.notNull())
		.addPrimaryKeyConstraint('offer_category_pk', ['offer_id', 'category'])
		.execute()
	await db.schema.createIndex('offer_category_category_idx').on('offer_category').columns(['category', 'offer_id']).execute()

	await db.schema
		.createTable('offer_region')
		.addColumn('offer_id', 'varchar(26)', (c) => c.notNull().references('offer.id').onDelete('cascade'))
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addPrimaryKeyConstraint('offer_region_pk', ['offer_id', 'region_code'])
		.execute()
	await db.schema.createIndex('offer_region_region_idx').on('offer_region').columns(['region_code', 'offer_id']).execute()

	await db.schema
		.createTable('project')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('enterprise_org_id', 'varchar(26)', (c) => c.notNull().references('organization.id'))
		.addColumn('title', 'varchar(200)', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		// 'industry' (产业) | 'public_welfare' (公益)
		.addColumn('type', 'varchar(16)', (c) => c.notNull())
		.addColumn('planned_investment', 'bigint', (c) => c.notNull())
		.addColumn('permanent_jobs', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('temporary_jobs', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('people_trained', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('starts_on', 'bigint', (c) => c.notNull())
		.addColumn('ends_on', 'bigint', (c) => c.notNull())
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('project_enterprise_idx').on('project').columns(['enterprise_org_id', 'status']).execute()
	await db.schema.createIndex('project_status_idx').on('project').columns(['status', 'created_at']).execute()

	await db.schema
		.createTable('project_village')
		.addColumn('project_id', 'varchar(26)', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('village_code', 'varchar(12)', (c) => c.notNull())
		.addPrimaryKeyConstraint('project_village_pk', ['project_id', 'village_code'])
		.execute()
	await db.schema.createIndex('project_village_village_idx').on('project_village').columns(['village_code', 'project_id']).execute()

	await db.schema
		.createTable('project_update')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('project_id', 'varchar(26)', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('happened_on', 'bigint', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('project_update_project_idx').on('project_update').columns(['project_id', 'happened_on']).execute()

	// Files attached to records (need photos now; evidence later). Bytes live in UPLOAD_DIR.
	await db.schema
		.createTable('upload')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('owner_type', 'varchar(32)', (c) => c.notNull())
		.addColumn('owner_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('kind', 'varchar(16)', (c) => c.notNull())
		.addColumn('content_type', 'varchar(64)', (c) => c.notNull())
		.addColumn('byte_size', 'integer', (c) => c.notNull())
		.addColumn('original_name', 'varchar(255)', (c) => c.notNull())
		.addColumn('storage_key', 'varchar(128)', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('upload_owner_idx').on('upload').columns(['owner_type', 'owner_id', 'created_at']).execute()

	// Written in the same transaction as every change to a searchable record; drained to the engine.
	await db.schema
		.createTable('search_outbox')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('entity_type', 'varchar(16)', (c) => c.notNull())
		.addColumn('entity_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
		.addColumn('last_error', 'varchar(500)')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('search_outbox_due_idx').on('search_outbox').columns(['next_attempt_at', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['search_outbox', 'upload', 'project_update', 'project_village', 'project', 'offer_region', 'offer_category', 'offer', 'need']) {
		await db.schema.dropTable(table).ifExists().execute()
	}
}
