// Frozen in time: never edit a migration that has shipped; add a new one.
// The JSON API (/api/v1): personal API tokens (stored as SHA-256 hashes, shown once), the
// responses remembered for Idempotency-Key retries, and per-token rate-limit windows.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('api_token')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('account_id', 'varchar(26)', (c) => c.notNull().references('account.id'))
		.addColumn('name', 'varchar(100)', (c) => c.notNull())
		// SHA-256 of the whole token, hex; the token itself is never stored.
		.addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
		// The first characters of the token, to tell tokens apart in the settings page.
		.addColumn('prefix', 'varchar(16)', (c) => c.notNull())
		// 'read' | 'read_write'
		.addColumn('scope', 'varchar(16)', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('last_used_at', 'bigint')
		.addColumn('revoked_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('api_token_account_idx').on('api_token').columns(['account_id', 'created_at']).execute()

	// A create sent again with the same Idempotency-Key returns the first response, once per token.
	await db.schema
		.createTable('api_idempotency')
		.addColumn('token_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('idempotency_key', 'varchar(100)', (c) => c.notNull())
		// Method and path, and a hash of the body: the same key with another request is refused.
		.addColumn('request', 'varchar(300)', (c) => c.notNull())
		.addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
		.addColumn('status', 'integer', (c) => c.notNull())
		.addColumn('response', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('api_idempotency_pk', ['token_id', 'idempotency_key'])
		.execute()

	// Fixed one-minute windows per token.
	await db.schema
		.createTable('api_rate')
		.addColumn('token_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('window_start', 'bigint', (c) => c.notNull())
		.addColumn('count', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('api_rate_pk', ['token_id', 'window_start'])
		.execute()
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('api_rate').execute()
	await db.schema.dropTable('api_idempotency').execute()
	await db.schema.dropTable('api_token').execute()
}
