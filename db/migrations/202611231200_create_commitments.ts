// Frozen in time: never edit a migration that has shipped; add a new one.
// Commitments (one provider, one need), their milestones, progress updates, two-way feedback,
// and the in-app notification inbox.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('commitment')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('need_id', 'varchar(26)', (c) => c.notNull().references('need.id'))
		// Set when the commitment draws on an offer's capacity; null for an unsolicited one.
		.addColumn('offer_id', 'varchar(26)', (c) => c.references('offer.id'))
		.addColumn('provider_org_id', 'varchar(26)', (c) => c.notNull().references('organization.id'))
		// Copied from the need, so permission checks on either side need no join.
		.addColumn('village_org_id', 'varchar(26)', (c) => c.notNull().references('organization.id'))
		.addColumn('village_code', 'varchar(12)', (c) => c.notNull())
		// Same measure and unit as the need: fen for 'amount', whole units for 'quantity'.
		.addColumn('amount', 'bigint', (c) => c.notNull())
		// What the village confirmed as arrived (may be less than `amount`); set at delivered.
		.addColumn('delivered_amount', 'bigint')
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('message', 'text', (c) => c.notNull())
		.addColumn('due_at', 'bigint', (c) => c.notNull())
		// A pledge not accepted by then lapses.
		.addColumn('lapse_at', 'bigint', (c) => c.notNull())
		.addColumn('status_reason', 'varchar(500)')
		// A double-submitted form carries the same key: the second submission writes nothing.
		.addColumn('idempotency_key', 'varchar(64)', (c) => c.unique())
		.addColumn('accepted_at', 'bigint')
		.addColumn('delivery_started_at', 'bigint')
		.addColumn('delivered_at', 'bigint')
		.addColumn('verified_at', 'bigint')
		.addColumn('verified_by', 'varchar(26)')
		.addColumn('closed_at', 'bigint')
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('commitment_need_idx').on('commitment').columns(['need_id', 'status']).execute()
	await db.schema.createIndex('commitment_offer_idx').on('commitment').columns(['offer_id', 'status']).execute()
	await db.schema.createIndex('commitment_provider_idx').on('commitment').columns(['provider_org_id', 'status']).execute()
	await db.schema.createIndex('commitment_village_idx').on('commitment').columns(['village_org_id', 'status']).execute()
	await db.schema.createIndex('commitment_due_idx').on('commitment').columns(['status', 'due_at']).execute()
	await db.schema.createIndex('commitment_lapse_idx').on('commitment').columns(['status', 'lapse_at']).execute()
	await db.schema.createIndex('commitment_region_idx').on('commitment').columns(['village_code', 'status']).execute()

	await db.schema
		.createTable('commitment_milestone')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('commitment_id', 'varchar(26)', (c) => c.notNull().references('commitment.id'))
		.addColumn('title', 'varchar(200)', (c) => c.notNull())
		.addColumn('due_at', 'bigint', (c) => c.notNull())
		// Share of the commitment, in percent; the milestones of a commitment add up to at most 100.
		.addColumn('share', 'integer', (c) => c.notNull())
		// 'open' | 'reported' (provider says done) | 'confirmed' (village confirmed receipt)
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('confirmed_by', 'varchar(26)')
		.addColumn('confirmed_at', 'bigint')
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('commitment_milestone_commitment_idx').on('commitment_milestone').columns(['commitment_id', 'due_at']).execute()

	// Progress updates with evidence (uploads with owner_type 'commitment_update').
	await db.schema
		.createTable('commitment_update')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('commitment_id', 'varchar(26)', (c) => c.notNull().references('commitment.id'))
		.addColumn('milestone_id', 'varchar(26)', (c) => c.references('commitment_milestone.id'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('commitment_update_commitment_idx').on('commitment_update').columns(['commitment_id', 'created_at']).execute()

	await db.schema
		.createTable('commitment_feedback')
		.addColumn('commitment_id', 'varchar(26)', (c) => c.notNull().references('commitment.id'))
		// 'village' (about the provider) | 'provider' (about the village)
		.addColumn('side', 'varchar(16)', (c) => c.notNull())
		.addColumn('rating', 'integer', (c) => c.notNull())
		.addColumn('comment', 'text', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('commitment_feedback_pk', ['commitment_id', 'side'])
		.execute()

	await db.schema
		.createTable('notification')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('account_id', 'varchar(26)', (c) => c.notNull().references('account.id').onDelete('cascade'))
		.addColumn('kind', 'varchar(32)', (c) => c.notNull())
		.addColumn('entity_type', 'varchar(32)', (c) => c.notNull())
		.addColumn('entity_id', 'varchar(26)', (c) => c.notNull())
		// JSON of interpolation values for the message (titles, amounts), rendered in the reader's language.
		.addColumn('params', 'text', (c) => c.notNull())
		// Reminders are sent once: (account, kind, entity) through this key, so two job runners send one.
		.addColumn('dedupe_key', 'varchar(120)', (c) => c.unique())
		.addColumn('read_at', 'bigint')
		.addColumn('emailed_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('notification_inbox_idx').on('notification').columns(['account_id', 'read_at', 'created_at']).execute()
	await db.schema.createIndex('notification_email_idx').on('notification').columns(['emailed_at', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['notification', 'commitment_feedback', 'commitment_update', 'commitment_milestone', 'commitment']) {
		await db.schema.dropTable(table).ifExists().execute()
	}
}
