// Frozen in time: never edit a migration that has shipped; add a new one.
// Indexes for suggestions (app/models/suggestion.server.ts, docs/suggestions.md), measured with
// scripts/bench-suggest.ts. Both lead with what the candidate queries compare for equality and
// carry every column those queries read, so they are answered without reading offer rows, and so
// that SQLite picks them even without ANALYZE statistics (it prefers the index matching the most
// terms). `id` is listed because SQLite keeps the rowid, not the primary key, in an index.
import { type Kysely, MysqlAdapter } from 'kysely'

const COLUMNS = ['status', 'coverage', 'measure', 'unit', 'valid_until', 'valid_from', 'capacity', 'id']

export async function up(db: Kysely<any>): Promise<void> {
	// Nationwide offers, and offers listing regions, of one measure (and unit) that are live.
	await db.schema
		.createIndex('offer_match_idx')
		.on('offer')
		.columns([...COLUMNS, 'provider_org_id'])
		.execute()
	// The same for the offers of given providers (coverage 'pairings': the village's paired providers).
	await db.schema
		.createIndex('offer_provider_match_idx')
		.on('offer')
		.columns(['provider_org_id', ...COLUMNS])
		.execute()
}

export async function down(db: Kysely<any>): Promise<void> {
	// MySQL names the table in DROP INDEX; SQLite refuses it (index names are schema-wide there).
	const mysql = db.getExecutor().adapter instanceof MysqlAdapter
	for (const index of ['offer_provider_match_idx', 'offer_match_idx']) {
		const drop = db.schema.dropIndex(index)
		await (mysql ? drop.on('offer') : drop).execute()
	}
}
